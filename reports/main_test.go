package reports

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The report tests read golden runs: small real run directories made by
// a real `lab bench --quick` (scripts/golden-runs.sh regenerates them),
// as benchstat keeps its testdata. No test starts a server.
const goldenDir = "testdata/runs"

// goldenRun copies golden run NAME to a fresh folder named as a bench
// names its runs (the report writes into the run directory), and returns
// it.
func goldenRun(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "20260101-000000-"+name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(goldenDir, name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// reportA is the report of the ladder-a golden run, rendered once and
// shared by the tests that only read it (charts take seconds each under
// the race detector).
var reportA struct {
	once sync.Once
	dir  string
	out  *Output
	err  error
}

func fixtureReport(t *testing.T) *Output {
	t.Helper()
	reportA.once.Do(func() {
		if reportA.dir, reportA.err = os.MkdirTemp("", "latencylab-reports-"); reportA.err != nil {
			return
		}
		run := filepath.Join(reportA.dir, "20260101-000000-ladder-a")
		if reportA.err = os.CopyFS(run, os.DirFS(filepath.Join(goldenDir, "ladder-a"))); reportA.err == nil {
			reportA.out, reportA.err = Report(run, Options{})
		}
	})
	if reportA.err != nil {
		t.Fatal(reportA.err)
	}
	return reportA.out
}

// fixtures returns copies of the two golden ladder runs: A with 2 rounds,
// B with 6 short ones, so that medians get intervals and the U test has
// samples to work with.
func fixtures(t *testing.T) (string, string) {
	t.Helper()
	return goldenRun(t, "ladder-a"), goldenRun(t, "ladder-b")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if reportA.dir != "" {
		os.RemoveAll(reportA.dir)
	}
	os.Exit(code)
}
