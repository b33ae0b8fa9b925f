package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"latencylab/harness/rundir"
)

// profileFiles are what the control endpoint's stop writes.
func profileFiles() []string {
	return []string{rundir.CPUProfileFile, rundir.WallProfileFile, rundir.AllocsFile, rundir.TraceFile}
}

// profile is the separate profiling pass of one server (CONTRACTS.md §6.4):
// start the profiles, run one load window, stop them into the server's
// folder. Only the load window is covered, and no measured trial runs
// meanwhile.
func (r *runner) profile(ctx context.Context, t *target, job loadJob) error {
	if t.control == "" {
		return nil
	}
	dir, err := filepath.Abs(t.dir)
	if err != nil {
		return fmt.Errorf("profile dir: %w", err)
	}
	base := "http://" + t.control
	if _, err := call(ctx, r.http, "POST", base+"/profile/start"); err != nil {
		return fmt.Errorf("profile start: %w", err)
	}
	_, loadErr := r.runLoad(ctx, job)
	if _, err := call(ctx, r.http, "POST", base+"/profile/stop?dir="+url.QueryEscape(dir)); err != nil {
		return fmt.Errorf("profile stop: %w", err)
	}
	if loadErr != nil {
		return fmt.Errorf("profile load window: %w", loadErr)
	}
	for _, f := range profileFiles() {
		if _, err := os.Stat(filepath.Join(t.dir, f)); err == nil {
			t.profiles = append(t.profiles, f)
		}
	}
	return nil
}
