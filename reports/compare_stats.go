package reports

import (
	"fmt"

	"golang.org/x/perf/benchmath"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// compareConfidence is the level of the medians' confidence intervals,
// the same as run.json's.
const compareConfidence = runstats.Confidence

// roundMetric extracts one number per measured round.
type roundMetric struct {
	name        string
	get         func(*rundir.LoadResult) float64
	format      func(float64) string
	lowerBetter bool
}

// roundMetrics are compared round by round, like benchstat compares
// benchmark runs.
var roundMetrics = []roundMetric{
	{"throughput", func(r *rundir.LoadResult) float64 { return r.ThroughputRPS }, fmtRate, false},
	{"latency mean", func(r *rundir.LoadResult) float64 { return r.Latency.Mean }, fmtNS, true},
	{"latency p50", func(r *rundir.LoadResult) float64 { return r.Latency.P50 }, fmtNS, true},
	{"latency p99", func(r *rundir.LoadResult) float64 { return r.Latency.P99 }, fmtNS, true},
	{"latency p99.9", func(r *rundir.LoadResult) float64 { return r.Latency.P999 }, fmtNS, true},
	{"latency max", func(r *rundir.LoadResult) float64 { return r.Latency.Max }, fmtNS, true},
}

// metricResult is one metric on both sides: medians with intervals and
// the Mann-Whitney U test between the per-round samples.
type metricResult struct {
	metric roundMetric
	a, b   benchmath.Summary
	cmp    benchmath.Comparison
	// offered: throughput of open-loop rounds on both sides, which is the
	// rate the generator was told to send, not what the server could do.
	offered bool
	// floor is the A/A noise floor of this metric (a fraction; 0: none
	// known): a smaller difference is within noise, significant or not.
	floor float64
}

func compareMetric(m roundMetric, ra, rb []*rundir.LoadResult) metricResult {
	r := compareValues(m, values(m, ra), values(m, rb))
	r.offered = m.name == "throughput" && openLoop(ra) && openLoop(rb)
	return r
}

// compareValues compares two samples of one metric: medians with
// order-statistic intervals and the U test (benchmath AssumeNothing), as
// benchstat does by default; latency is not normal.
func compareValues(m roundMetric, va, vb []float64) metricResult {
	sa := benchmath.NewSample(va, &benchmath.DefaultThresholds)
	sb := benchmath.NewSample(vb, &benchmath.DefaultThresholds)
	an := benchmath.AssumeNothing
	return metricResult{metric: m, a: an.Summary(sa, compareConfidence), b: an.Summary(sb, compareConfidence), cmp: an.Compare(sa, sb)}
}

// capacityMetric is a sweep's capacity at the SLO, one knee per round.
var capacityMetric = roundMetric{name: "capacity at SLO", format: fmtRate}

// openLoop reports whether every round ran at a fixed rate.
func openLoop(rs []*rundir.LoadResult) bool {
	for _, r := range rs {
		if r.Rate <= 0 {
			return false
		}
	}
	return len(rs) > 0
}

func values(m roundMetric, rs []*rundir.LoadResult) []float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = m.get(r)
	}
	return v
}

// summary prints a median with its interval as benchstat does.
func (r metricResult) summary(s benchmath.Summary) string {
	return fmt.Sprintf("%s ± %s", r.metric.format(s.Center), s.PctRangeString())
}

// delta is benchstat's verdict: "~ (not significant)" when the U test
// does not reject equality, else the change and whether it helped.
func (r metricResult) delta() string {
	d := r.cmp.FormatDelta(r.a.Center, r.b.Center)
	if d == "~" {
		return "~ (not significant)"
	}
	better := r.b.Center < r.a.Center
	if !r.metric.lowerBetter {
		better = !better
	}
	if r.a.Center == r.b.Center {
		return d
	}
	if r.floor > 0 && r.a.Center != 0 && abs(r.b.Center-r.a.Center) < r.floor*abs(r.a.Center) {
		return fmt.Sprintf("%s, within noise (A/A floor ±%.1f%%)", d, 100*r.floor)
	}
	if r.offered {
		return d + " (offered rate: open loop on both sides, not a capacity)"
	}
	if better {
		return d + " (better)"
	}
	return d + " (worse)"
}

// warnings collects what benchmath said about the samples (too few
// rounds for an interval or for a test).
func (r metricResult) warnings() []string {
	var out []string
	for _, ws := range [][]error{r.a.Warnings, r.b.Warnings, r.cmp.Warnings} {
		for _, w := range ws {
			out = append(out, w.Error())
		}
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
