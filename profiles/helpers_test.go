package profiles

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"latencylab/harness/rundir"
)

// sink keeps the work below from being optimized away.
var sink []byte

// burnHash spends CPU and allocates, under a name the tests look for. It
// runs for d of wall time and at least d/2 of process CPU time, so that
// the 100 Hz CPU profiler catches it even on a crowded machine.
func burnHash(d time.Duration) {
	sum := sha256.Sum256(nil)
	end, cpuEnd := time.Now().Add(d), processCPU()+d/2
	for time.Now().Before(end) || processCPU() < cpuEnd {
		for range 200 {
			sum = sha256.Sum256(sum[:])
		}
		sink = make([]byte, 4096)
	}
}

// burnSleepy spends mostly wall time and a little CPU, for the other side
// of a diff.
func burnSleepy(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
		burnHash(time.Millisecond)
	}
}

// capture profiles work() in a fresh directory and returns it.
func capture(t *testing.T, work func()) string {
	t.Helper()
	dir := t.TempDir()
	var s Session
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	work()
	files, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("Stop returned %d files, want 4 (three profiles and the trace)", len(files))
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustRead parses a profile file the way go tool pprof would.
func mustRead(t *testing.T, path string) *profile.Profile {
	t.Helper()
	p, err := ReadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// hasFunc reports whether any sample of p has fn on its stack.
func hasFunc(p *profile.Profile, fn string) bool {
	for _, s := range p.Sample {
		for _, f := range stackFuncs(s) {
			if f == fn {
				return true
			}
		}
	}
	return false
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cpuPath(dir string) string { return filepath.Join(dir, rundir.CPUProfileFile) }
