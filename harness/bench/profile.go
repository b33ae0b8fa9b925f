package bench

import (
	"context"
	"fmt"
	"slices"

	"latencylab/harness/rundir"
)

// profile is the separate profiling pass of one server (CONTRACTS.md §6.4):
// start the profiles, run one load window, stop them and write the files
// the endpoint sends back into the server's folder. Only the load window
// is covered, and no measured trial runs meanwhile.
func (r *runner) profile(ctx context.Context, t *target, job loadJob) error {
	if t.control == "" {
		return nil
	}
	if err := r.control.startProfile(ctx, t.http, t.control); err != nil {
		return fmt.Errorf("profile start: %w", err)
	}
	_, loadErr := r.runLoad(ctx, job)
	names, err := r.control.stopProfile(ctx, t.http, t.control, t.dir)
	t.profiles = append(t.profiles, names...)
	if err != nil {
		return fmt.Errorf("profile stop: %w", err)
	}
	// The endpoint sends what it captured; a profiler that failed shows
	// only in the server's log, so the run says which file is missing.
	for _, want := range []string{rundir.CPUProfileFile, rundir.WallProfileFile, rundir.AllocsFile} {
		if !slices.Contains(names, want) {
			t.warn("profiling window: no " + want + " came back (see the server's log)")
		}
	}
	if loadErr != nil {
		return fmt.Errorf("profile load window: %w", loadErr)
	}
	return nil
}
