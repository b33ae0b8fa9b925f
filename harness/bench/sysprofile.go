package bench

import (
	"context"
	"fmt"
	"path/filepath"

	"latencylab/harness/rundir"
	"latencylab/profiles"
)

// findPerf decides once per run whether system profiles are made, and
// says so in a note when they are not.
func (r *runner) findPerf(ctx context.Context) {
	if r.opt.PerfPath == "off" {
		r.note("system profiles off (--perf off)")
		return
	}
	p, err := profiles.FindPerf(ctx, r.opt.PerfPath, r.tmp)
	if err != nil {
		r.note(fmt.Sprintf("no system profiles: %v (install linux-perf, and allow perf_event_open: run as root or lower kernel.perf_event_paranoid)", err))
		return
	}
	r.perf = &p
}

// sysProfile records t's process with perf over one load window of its
// own, before the Go profiles' window: the Go profilers (SIGPROF, and
// fgprof's stop-the-world goroutine snapshots) would otherwise show up in
// it as runtime cost that the measured rounds never paid.
func (r *runner) sysProfile(ctx context.Context, t *target, job loadJob) error {
	data := filepath.Join(r.tmp, t.def.name+"-perf.data")
	c, err := r.perf.Start(ctx, data, t.pids()...)
	if err != nil {
		return err
	}
	_, loadErr := r.runLoad(ctx, job)
	if err := c.Stop(); err != nil {
		return err
	}
	if loadErr != nil {
		return fmt.Errorf("system profile load window: %w", loadErr)
	}
	if _, err := r.perf.Convert(ctx, data, filepath.Join(t.dir, rundir.SysProfileFile)); err != nil {
		return err
	}
	t.profiles = append(t.profiles, rundir.SysProfileFile)
	return nil
}
