package bench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latencylab/harness/rundir"
)

func TestMain(m *testing.M) {
	if os.Getenv(fakeLabEnv) == "1" {
		os.Exit(fakeLab(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeOptions runs the fake lab (this test binary) with short limits.
func fakeOptions(t *testing.T, servers ...string) Options {
	t.Helper()
	t.Setenv(fakeLabEnv, "1")
	// The race runtime sleeps a second at exit by default; the fake
	// children exit dozens of times per test.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.ReadyTimeout, lim.StopGrace, lim.LoadSlack = 5*time.Second, time.Second, 10*time.Second
	return Options{
		Scenario:  "capacity",
		Quick:     true,
		Rounds:    2,
		Servers:   servers,
		Out:       t.TempDir(),
		Lab:       exe,
		NginxPath: "off",
		Limits:    lim,
		Progress:  testWriter{t},
	}
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func runFake(t *testing.T, opt Options) (*rundir.Run, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir, err := Run(ctx, opt)
	if dir == "" {
		t.Fatalf("Run returned no directory: %v", err)
	}
	run, _, _ := runFakeRead(t, dir)
	return run, dir, err
}

func runFakeRead(t *testing.T, dir string) (*rundir.Run, string, error) {
	t.Helper()
	run, err := rundir.Read(dir)
	if err != nil {
		t.Fatalf("run.json: %v", err)
	}
	return run, dir, nil
}

func server(t *testing.T, run *rundir.Run, name string) rundir.ServerSummary {
	t.Helper()
	for _, s := range run.Servers {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("run.json has no server %q", name)
	return rundir.ServerSummary{}
}

func mustExist(t *testing.T, dir string, elem ...string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(append([]string{dir}, elem...)...)); err != nil {
		t.Errorf("missing %s", filepath.Join(elem...))
	}
}
