package bench

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"latencylab/harness/rundir"
)

func TestNginxReference(t *testing.T) {
	if _, ok := findNginx(""); !ok {
		t.Skip("nginx not installed: the reference is skipped by the bench too (see TestMissingNginxIsANote)")
	}
	opt := fakeOptions(t, "nginx")
	opt.NginxPath = ""
	run, dir, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	s := server(t, run, "nginx")
	if s.Failed || s.Rounds != 2 || s.Kind != rundir.KindReference {
		t.Fatalf("nginx: %+v", s)
	}
	if s.AllocsPerRequest != nil || s.SyscallsPerRequest != nil || len(s.Profiles) != 0 {
		t.Errorf("nginx has no /stats and no profiles, got %+v", s)
	}
	if s.CPUPerRequestUS == nil {
		t.Errorf("nginx: no CPU per request (rusage of the one worker)")
	}
	mustExist(t, dir, "nginx", "round-2.json")
	if _, err := os.Stat(dir + "/nginx/stats-before.json"); err == nil {
		t.Errorf("nginx got a stats file")
	}
}

func TestMissingNginxIsANote(t *testing.T) {
	opt := fakeOptions(t, "naive", "nginx")
	opt.NginxPath = "/nonexistent/nginx"
	var log strings.Builder
	opt.Progress = &log
	run, _, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(strings.Join(run.Notes, "\n"), "nginx binary /nonexistent/nginx not found") || !strings.Contains(log.String(), "not found: skipped") {
		t.Errorf("notes %q, progress %q: want nginx's absence said in both", run.Notes, log.String())
	}
	if len(run.Servers) != 1 {
		t.Errorf("servers %d, want naive only", len(run.Servers))
	}
}

// cancelOnWrite cancels a context when the progress line it waits for shows.
type cancelOnWrite struct {
	cancel context.CancelFunc
	match  string
}

func (c cancelOnWrite) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.match) {
		c.cancel()
	}
	return len(p), nil
}

func TestInterruptStopsChildrenAndKeepsResults(t *testing.T) {
	opt := fakeOptions(t, "naive", "stackbuf")
	pids := t.TempDir()
	t.Setenv(fakePidsEnv, pids)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opt.Progress = cancelOnWrite{cancel: cancel, match: "round 1/"}
	dir, err := Run(ctx, opt)
	if !errors.Is(err, context.Canceled) || dir == "" {
		t.Fatalf("Run = %q, %v; want the directory and context.Canceled", dir, err)
	}
	run, _, _ := runFakeRead(t, dir)
	if !strings.Contains(strings.Join(run.Notes, "\n"), "interrupted") {
		t.Errorf("notes %q, want the interruption", run.Notes)
	}
	ents, _ := os.ReadDir(pids)
	for _, e := range ents {
		if err := syscall.Kill(atoi(t, e.Name()), 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child %s survived the interruption", e.Name())
		}
	}
}
