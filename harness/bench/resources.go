package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// sampleResources samples what a server holds, every interval of a soak,
// until ctx ends: resident set and fds from /proc, goroutines from the
// control endpoint, counters from /stats. A figure that cannot be read is
// -1 in its sample, never a stop: a soak must not end because one read
// failed.
func (r *runner) sampleResources(ctx context.Context, t *target, every time.Duration, trace *rundir.ResourceTrace) {
	tickUntil(ctx, every, func(at time.Duration) {
		s := r.resourceSample(ctx, t, ms(at))
		if ctx.Err() == nil { // a sample cut short by the trial's end is not one
			trace.Samples = append(trace.Samples, s)
		}
	})
}

func (r *runner) resourceSample(ctx context.Context, t *target, atMS float64) rundir.ResourceSample {
	s := rundir.ResourceSample{AtMS: atMS, RSSBytes: -1, FDs: -1, Goroutines: -1, Requests: -1, Errors: -1, Connections: -1}
	pid, _ := t.pid()
	if p, err := procfs.NewProc(pid); err == nil {
		if st, err := p.NewStatus(); err == nil {
			s.RSSBytes = int64(st.VmRSS)
		}
		if n, err := p.FileDescriptorsLen(); err == nil {
			s.FDs = int64(n)
		}
	}
	if t.control != "" {
		if rr, err := r.control.readRuntime(ctx, t.http, t.control); err == nil {
			s.Goroutines = int64(rr.Goroutines)
		}
	}
	if t.hasStats() {
		if st, err := getStats(ctx, t.http, t.url("/stats")); err == nil {
			s.Requests, s.Errors, s.Connections = int64(st.RequestsTotal), int64(st.RequestsError), int64(st.ConnectionsActive)
		}
	}
	return s
}

// writeResources writes a soak trial's samples and keeps its verdict.
func (t *target) writeResources(k int, trace rundir.ResourceTrace) {
	if err := rundir.WriteJSON(filepath.Join(t.dir, rundir.RoundResources(k)), trace); err != nil {
		t.warn(fmt.Sprintf("round %d: resource samples: %v", k, err))
	}
	v := runstats.Soak(trace)
	// The summary keeps the first round that was not flat, else the last.
	if t.soak == nil || t.soak.Passed {
		t.soak = &v
	}
	if !v.Passed {
		t.warn(fmt.Sprintf("round %d: soak did not pass: %s", k, runstats.SoakSummary(v)))
	}
}
