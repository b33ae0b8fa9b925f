package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"latencylab/harness/capacity"
	"latencylab/harness/diagnose"
	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// sweepTrial is one open-loop trial of a sweep.
type sweepTrial struct {
	round   int
	offered float64
	bisect  bool
	result  rundir.LoadResult
	point   capacity.Point
}

// probeAll measures each server's closed-loop capacity on its own
// process, before the counters' first snapshot, so that the measured
// rounds alone are bracketed. Its capacity is the best window.
func (r *runner) probeAll(ctx context.Context) error {
	plan := r.sc.Sweep
	for _, t := range r.targets {
		if !r.alive(t, "before its probe") {
			continue
		}
		rps, err := r.probeWindows(ctx, t, probePlan{conns: r.sc.Conns, mode: r.sc.Mode, window: plan.Probe.D,
			windows: plan.Probes, name: t.def.name + "-probe"})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			t.fail("probe: " + err.Error())
			continue
		}
		t.probe = slices.Max(rps)
		r.prog.line("%s: probe %.0f req/s", t.def.name, t.probe)
	}
	return nil
}

// sweep runs the measured rounds of a sweep. First every round runs each
// server's ladder of offered rates, ascending, servers in the rotated
// order. Then each bisection step picks, for each server, the rate halfway
// between the knee of its median curve and the failure above it, and runs
// it in every round, interleaved the same way. Every rate is thus measured
// in every round: the curve is the medians, and each round's own points
// give that round's knee.
func (r *runner) sweep(ctx context.Context) error {
	plan := r.sc.Sweep
	r.prog.total = len(r.targets) * r.sc.Rounds
	rates := func(t *target) []float64 {
		var out []float64
		for _, f := range plan.Fractions {
			out = append(out, f*t.probe)
		}
		return out
	}
	if err := r.sweepRounds(ctx, rates, false); err != nil {
		return err
	}
	for range plan.Bisect {
		next := map[*target]float64{}
		for _, t := range r.targets {
			if rate, ok := capacity.NextProbe(medianPoints(t.sweep, r.slo), r.slo); ok {
				next[t] = rate
			}
		}
		if len(next) == 0 {
			break
		}
		pick := func(t *target) []float64 {
			if rate, ok := next[t]; ok {
				return []float64{rate}
			}
			return nil
		}
		if err := r.sweepRounds(ctx, pick, true); err != nil {
			return err
		}
	}
	for _, t := range r.targets {
		for k := 1; k <= r.sc.Rounds; k++ {
			if ps := roundPoints(t.sweep, k); len(ps) > 0 {
				t.knees = append(t.knees, capacity.FindKnee(ps, r.slo))
			}
		}
		if c := runstats.Capacity(t.knees); c != nil {
			r.prog.line("%s: capacity at %s %.0f req/s [%.0f, %.0f] (%s)", t.def.name, r.slo.Label(), c.Center, c.Lo, c.Hi, c.Interval)
		}
	}
	return ctx.Err()
}

// sweepRounds runs, in every round, each server's rates, the servers in
// the order rotated by round.
func (r *runner) sweepRounds(ctx context.Context, rates func(*target) []float64, bisect bool) error {
	for k := 1; k <= r.sc.Rounds; k++ {
		for _, t := range rotate(r.targets, k-1) {
			if err := ctx.Err(); err != nil {
				return err
			}
			rs := rates(t)
			if t.probe <= 0 || len(rs) == 0 || !r.alive(t, fmt.Sprintf("before round %d", k)) {
				continue
			}
			for _, rate := range rs {
				r.sweepTrial(ctx, t, k, rate, bisect)
			}
			if !bisect {
				r.prog.step()
			}
		}
	}
	return nil
}

// roundPoints are round k's points of one server.
func roundPoints(trials []sweepTrial, k int) []capacity.Point {
	var ps []capacity.Point
	for _, tr := range trials {
		if tr.round == k {
			ps = append(ps, tr.point)
		}
	}
	return ps
}

// medianPoints is the curve of medians across rounds, one point per rate.
func medianPoints(trials []sweepTrial, o capacity.SLO) []capacity.Point {
	var ps []capacity.Point
	for _, cp := range runstats.Curve(sweepTrials(trials), o) {
		ps = append(ps, capacity.Point{Offered: cp.Offered, Achieved: cp.Achieved,
			Latency: runstats.Percentile(rundir.Percentiles{P50: cp.P50, P90: cp.P90, P99: cp.P99, P999: cp.P999}, o.Percentile),
			Growing: cp.QueueGrowing})
	}
	return ps
}

// sweepTrial is one open-loop trial at offered req/s.
func (r *runner) sweepTrial(ctx context.Context, t *target, k int, offered float64, bisect bool) (capacity.Point, bool) {
	job := r.scenarioJob(t)
	job.rate = offered
	name := rundir.SweepJSON(k, offered)
	job.jsonPath = filepath.Join(t.dir, name)
	job.hlogPath = filepath.Join(t.dir, name[:len(name)-len(".json")]+".hlog")
	lr, err := r.runLoad(ctx, job)
	if err != nil {
		if ctx.Err() != nil {
			return capacity.Point{}, false
		}
		// A trial that failed (lab load ran past its deadline, or measured
		// nothing) is a rate the server did not carry: it counts as a
		// failure, or the knee would be read off the rates that passed.
		t.warn(fmt.Sprintf("round %d at %.0f req/s: %v", k, offered, err))
		p := capacity.Point{Offered: offered, Growing: true}
		t.sweep = append(t.sweep, sweepTrial{round: k, offered: offered, bisect: bisect, result: rundir.LoadResult{Rate: offered}, point: p})
		return p, true
	}
	growing, err := queueGrowing(job.hlogPath)
	if err != nil {
		t.warn(fmt.Sprintf("round %d at %.0f req/s: %v", k, offered, err))
	}
	p := capacity.Point{Offered: offered, Achieved: lr.ThroughputRPS, Latency: runstats.Percentile(lr.Latency, r.slo.Percentile), Growing: growing}
	t.sweep = append(t.sweep, sweepTrial{round: k, offered: offered, bisect: bisect, result: *lr, point: p})
	return p, true
}

// sweepSummary is a server's curve and capacity for run.json.
func (r *runner) sweepSummary(t *target, s *rundir.ServerSummary) {
	if r.sc.Sweep == nil {
		return
	}
	s.ProbeRPS = t.probe
	s.Curve = runstats.Curve(sweepTrials(t.sweep), r.slo)
	s.CapacityAtSLO = runstats.Capacity(t.knees)
	s.Rounds = len(t.knees)
}

// sweepTrials are the trials as runstats reads them.
func sweepTrials(trials []sweepTrial) []runstats.SweepTrial {
	out := make([]runstats.SweepTrial, len(trials))
	for i, tr := range trials {
		out[i] = runstats.SweepTrial{Offered: tr.offered, Bisect: tr.bisect, Result: tr.result, Growing: tr.point.Growing}
	}
	return out
}

// sweepRecord is the sweep's plan and objective for run.json.
func (r *runner) sweepRecord() *rundir.Sweep {
	p := r.sc.Sweep
	if p == nil {
		return nil
	}
	return &rundir.Sweep{SLO: r.slo.String(), SLOPercentile: r.slo.Percentile, SLOThresholdNS: r.slo.ThresholdNS(),
		Fractions: p.Fractions, Bisect: p.Bisect, ProbeS: p.Probe.D.Seconds(), Probes: p.Probes}
}

// queueGrowing reads a trial's interval log and applies capacity.Growing
// to the median latency of its first and second halves.
func queueGrowing(path string) (bool, error) {
	_, ivs, err := readIntervals(path)
	if err != nil || len(ivs) < 2 {
		return false, err
	}
	first, second := diagnose.Halves(ivs)
	return capacity.Growing(float64(first.ValueAtQuantile(50)), float64(second.ValueAtQuantile(50))), nil
}
