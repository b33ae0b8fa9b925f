package profiles

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latencylab/harness/rundir"
)

const burnName = "latencylab/profiles.burnHash"

func TestSessionCapturesProfilesAndTrace(t *testing.T) {
	dir := capture(t, func() { burnHash(400 * time.Millisecond) })

	cpu := mustRead(t, filepath.Join(dir, rundir.CPUProfileFile))
	if !hasFunc(cpu, burnName) {
		t.Errorf("cpu profile lacks %s", burnName)
	}
	wall := mustRead(t, filepath.Join(dir, rundir.WallProfileFile))
	if !hasFunc(wall, burnName) {
		t.Errorf("wall profile lacks %s", burnName)
	}
	allocs := mustRead(t, filepath.Join(dir, rundir.AllocsFile))
	if !hasFunc(allocs, burnName) {
		t.Errorf("allocs delta lacks %s", burnName)
	}
	if allocs.DurationNanos <= 0 {
		t.Errorf("allocs delta has no window: %d ns", allocs.DurationNanos)
	}
	// The execution trace: its header ("go 1.NN trace") is what go tool
	// trace checks first.
	tr, err := os.ReadFile(filepath.Join(dir, rundir.TraceFile))
	if err != nil || !bytes.HasPrefix(tr, []byte("go 1.")) || !bytes.Contains(tr[:16], []byte("trace")) || len(tr) < 1024 {
		t.Errorf("trace.out: %d bytes, header %q, err %v", len(tr), tr[:min(16, len(tr))], err)
	}
}

// The delta must not contain allocations made before Start.
func TestAllocDeltaExcludesBeforeWindow(t *testing.T) {
	burnHash(100 * time.Millisecond) // before: must cancel out
	dir := capture(t, func() { time.Sleep(50 * time.Millisecond) })
	allocs := mustRead(t, filepath.Join(dir, rundir.AllocsFile))
	for _, s := range allocs.Sample {
		for _, f := range stackFuncs(s) {
			if f == burnName && s.Value[0] > 0 {
				t.Fatalf("allocation from before the window: %v", s.Value)
			}
		}
	}
}

func TestSessionOrderErrors(t *testing.T) {
	var s Session
	if _, err := s.Stop(); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Stop before Start: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Start: %v", err)
	}
	if _, err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	// A stopped session starts again: the CPU profiler was released.
	if err := s.Start(); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if _, err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}
