package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"latencylab/harness/rundir"
)

// sidecar is what runs beside one measured trial when the scenario asks
// for it: a background load (connection churn) and a /stats poller.
type sidecar struct {
	cancel  context.CancelFunc // the samplers
	stopBg  context.CancelFunc // the background load
	wg      sync.WaitGroup
	trace   rundir.ReactorTrace
	rt      rundir.RuntimeTrace
	res     *rundir.ResourceTrace // a soak's samples; nil otherwise
	loadErr error
}

// runtimeEvery is the runtime sampler's interval: the latency timeline's
// (lab load's interval log), so the two line up.
const runtimeEvery = 100 * time.Millisecond

// startSidecar starts the scenario's background load and /stats sampling
// for trial k of t; stop ends them and writes their files.
func (r *runner) startSidecar(ctx context.Context, t *target, k int) *sidecar {
	sampleCtx, cancel := context.WithCancel(ctx)
	bgCtx, stopBg := context.WithCancel(ctx)
	s := &sidecar{cancel: cancel, stopBg: stopBg}
	if b := r.sc.Background; b != nil {
		job := loadJob{
			url: t.url(r.sc.Path), net: t.net, conns: b.Conns, rate: b.Rate, mode: b.Mode,
			warmup: r.sc.Warmup.D, duration: r.sc.Duration.D, timeout: r.sc.Timeout.D,
			jsonPath: filepath.Join(t.dir, rundir.RoundBackground(k)),
		}
		s.wg.Go(func() { _, s.loadErr = r.runLoad(bgCtx, job) })
	}
	if t.control != "" && r.sc.Runtime {
		s.rt.IntervalMS = ms(runtimeEvery)
		s.wg.Go(func() { r.sampleRuntime(sampleCtx, t, &s.rt) })
	}
	if p := r.sc.Soak; p != nil {
		every := p.Every(r.sc.Duration.D)
		s.res = &rundir.ResourceTrace{IntervalMS: ms(every), SettleMS: ms(r.sc.Warmup.D) + p.Settle*ms(r.sc.Duration.D)}
		s.wg.Go(func() { r.sampleResources(sampleCtx, t, every, s.res) })
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
	tickUntil(ctx, every, func(at time.Duration) {
		st, err := getStats(ctx, t.http, t.url("/stats"))
		if err != nil {
			return
		}
		smp := rundir.ReactorSample{AtMS: ms(at)}
		for _, rs := range st.Reactors {
			smp.Active = append(smp.Active, rs.ConnectionsActive)
			smp.Requests = append(smp.Requests, rs.RequestsTotal)
		}
		trace.Samples = append(trace.Samples, smp)
	})
}

// tickUntil calls f every interval until ctx ends, with the time since
// it began.
func tickUntil(ctx context.Context, every time.Duration, f func(at time.Duration)) {
	start := time.Now()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			f(time.Since(start))
		}
	}
}

// stop ends the sampling once the measured load is done, waits for the
// background load (it runs as long, so it is ending too; cut short when
// the measured load failed) and writes the samples.
func (s *sidecar) stop(t *target, k int, measuredFailed bool) {
	s.cancel()
	if measuredFailed {
		s.stopBg()
	}
	s.wg.Wait()
	s.stopBg()
	if s.loadErr != nil && !measuredFailed {
		t.warn(fmt.Sprintf("round %d: background load: %v", k, s.loadErr))
	}
	s.writeRuntime(t, k)
	if s.res != nil {
		t.writeResources(k, *s.res)
	}
	if len(s.trace.Samples) == 0 {
		return
	}
	s.trace.ComputeImbalance()
	if err := rundir.WriteJSON(filepath.Join(t.dir, rundir.RoundReactors(k)), s.trace); err != nil {
		t.warn(fmt.Sprintf("round %d: reactor samples: %v", k, err))
	}
	t.imbalance = append(t.imbalance, s.trace.Imbalance)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// sampleRuntime reads the server's runtime/metrics through its control
// endpoint every runtimeEvery and keeps each interval's change.
func (r *runner) sampleRuntime(ctx context.Context, t *target, trace *rundir.RuntimeTrace) {
	start := time.Now()
	tick := time.NewTicker(runtimeEvery)
	defer tick.Stop()
	var first, prev *rundir.RuntimeRead
	reads := 0
	for {
		select {
		case <-ctx.Done():
			if reads > 1 {
				trace.CostNS = float64(prev.CostNS-first.CostNS) / float64(reads-1)
				trace.CostShare = trace.CostNS / float64(runtimeEvery)
			}
			return
		case <-tick.C:
		}
		cur, err := r.control.readRuntime(ctx, t.http, t.control)
		if err != nil {
			continue
		}
		reads++
		if first == nil {
			first = &cur
		}
		if prev != nil {
			trace.Samples = append(trace.Samples, runtimeDelta(ms(time.Since(start)), prev, &cur))
		}
		prev = &cur
	}
}

// runtimeDelta is what changed between two reads.
func runtimeDelta(atMS float64, a, b *rundir.RuntimeRead) rundir.RuntimeSample {
	s := rundir.RuntimeSample{AtMS: atMS, GCCycles: b.GCCycles - min(a.GCCycles, b.GCCycles)}
	s.GCPauses, s.GCPauseMax = histDelta(a.GCPauses, b.GCPauses)
	_, s.SchedLatMax = histDelta(a.SchedLatencies, b.SchedLatencies)
	return s
}

// histDelta counts the new samples of a cumulative histogram and the upper
// bound (ns) of the highest bucket that gained one.
func histDelta(a, b rundir.Histogram) (n uint64, maxNS float64) {
	if len(a.Counts) != len(b.Counts) || len(b.Buckets) != len(b.Counts)+1 {
		return 0, 0
	}
	for i := range b.Counts {
		if d := b.Counts[i] - min(a.Counts[i], b.Counts[i]); d > 0 {
			n += d
			maxNS = min(b.Buckets[i+1], maxPauseS) * 1e9 // the open top bucket is capped
		}
	}
	return n, maxNS
}

// maxPauseS caps the open top bucket of a runtime histogram.
const maxPauseS = 1000

// writeRuntime writes the runtime samples of trial k, if any.
func (s *sidecar) writeRuntime(t *target, k int) {
	if len(s.rt.Samples) == 0 {
		return
	}
	if err := rundir.WriteJSON(filepath.Join(t.dir, rundir.RoundRuntime(k)), s.rt); err != nil {
		t.warn(fmt.Sprintf("round %d: runtime samples: %v", k, err))
	}
	if t.runtime == nil {
		t.runtime = map[int]rundir.RuntimeTrace{}
	}
	t.runtime[k] = s.rt
}
