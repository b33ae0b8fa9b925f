package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The fixture runs are expensive (real servers, real load, real
// profiles), so they are made once per test binary and only when a test
// asks for them.
var fixtureRuns struct {
	once sync.Once
	root string
	a, b string
	err  error
}

// Run A is the brief's shape: 2 rounds of ~1 s. Run B has more, shorter
// rounds, so that medians get confidence intervals and the U test has
// samples to work with.
var (
	specA = fixtureSpec{rounds: 2, dur: time.Second, conns: 2, warmup: 200 * time.Millisecond, profile: 400 * time.Millisecond}
	specB = fixtureSpec{rounds: 6, dur: 300 * time.Millisecond, conns: 2, warmup: 200 * time.Millisecond, profile: 400 * time.Millisecond}
)

// reportA is the report of run A, rendered once and shared by the tests
// that only read it (charts take seconds each under the race detector).
var reportA struct {
	once sync.Once
	out  *Output
	err  error
}

func fixtureReport(t *testing.T) *Output {
	t.Helper()
	runA, _ := fixtures(t)
	reportA.once.Do(func() { reportA.out, reportA.err = Report(runA, Options{}) })
	if reportA.err != nil {
		t.Fatal(reportA.err)
	}
	return reportA.out
}

// fixtures returns the two generated run directories.
func fixtures(t *testing.T) (string, string) {
	t.Helper()
	f := &fixtureRuns
	f.once.Do(func() {
		f.root, f.err = os.MkdirTemp("", "latencylab-reports-")
		if f.err != nil {
			return
		}
		f.a, f.b = filepath.Join(f.root, "20260101-000000-fixture"), filepath.Join(f.root, "20260101-000100-fixture")
		if f.err = buildRun(f.a, specA); f.err != nil {
			f.err = fmt.Errorf("run A: %w", f.err)
			return
		}
		if f.err = buildRun(f.b, specB); f.err != nil {
			f.err = fmt.Errorf("run B: %w", f.err)
		}
	})
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f.a, f.b
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureRuns.root != "" {
		os.RemoveAll(fixtureRuns.root)
	}
	os.Exit(code)
}
