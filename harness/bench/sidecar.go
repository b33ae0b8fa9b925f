package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"latencylab/harness/rundir"
)

// sidecar is what runs beside one measured trial when the scenario asks
// for it: a background load (connection churn) and a /stats poller.
type sidecar struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	trace   rundir.ReactorTrace
	loadErr error
}

// startSidecar starts the scenario's background load and /stats sampling
// for trial k of t; stop ends them and writes their files.
func (r *runner) startSidecar(ctx context.Context, t *target, k int) *sidecar {
	sampleCtx, cancel := context.WithCancel(ctx)
	s := &sidecar{cancel: cancel}
	if b := r.sc.Background; b != nil {
		job := loadJob{
			url: t.url(r.sc.Path), conns: b.Conns, rate: b.Rate, mode: b.Mode,
			warmup: r.sc.Warmup.D, duration: r.sc.Duration.D, timeout: r.sc.Timeout.D,
			jsonPath: filepath.Join(t.dir, rundir.RoundBackground(k)),
		}
		s.wg.Go(func() { _, s.loadErr = r.runLoad(ctx, job) })
	}
	if every := r.sc.Sample.D; every > 0 && t.hasStats() {
		s.trace = rundir.ReactorTrace{IntervalMS: ms(every), WarmupMS: ms(r.sc.Warmup.D)}
		s.wg.Go(func() { r.sample(sampleCtx, t, every, &s.trace) })
	}
	return s
}

// sample polls /stats until ctx ends. A failed poll is skipped: the
// server is busy, and the trial itself says whether it failed.
func (r *runner) sample(ctx context.Context, t *target, every time.Duration, trace *rundir.ReactorTrace) {
	start := time.Now()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		st, err := getStats(ctx, r.http, t.url("/stats"))
		if err != nil {
			continue
		}
		smp := rundir.ReactorSample{AtMS: ms(time.Since(start))}
		for _, rs := range st.Reactors {
			smp.Active = append(smp.Active, rs.ConnectionsActive)
			smp.Requests = append(smp.Requests, rs.RequestsTotal)
		}
		trace.Samples = append(trace.Samples, smp)
	}
}

// stop ends the sampling once the measured load is done, waits for the
// background load (it runs as long, so it is ending too) and writes the
// samples.
func (s *sidecar) stop(t *target, k int) {
	s.cancel()
	s.wg.Wait()
	if s.loadErr != nil {
		t.warn(fmt.Sprintf("round %d: background load: %v", k, s.loadErr))
	}
	if len(s.trace.Samples) == 0 {
		return
	}
	s.trace.ComputeImbalance()
	b, err := json.MarshalIndent(s.trace, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(t.dir, rundir.RoundReactors(k)), b, 0o644)
	}
	if err != nil {
		t.warn(fmt.Sprintf("round %d: reactor samples: %v", k, err))
	}
	t.imbalance = append(t.imbalance, s.trace.Imbalance)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
