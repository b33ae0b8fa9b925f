package bench

import (
	"context"
	"fmt"
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
	if loadErr != nil {
		return fmt.Errorf("profile load window: %w", loadErr)
	}
	return nil
}
