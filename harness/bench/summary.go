package bench

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"latencylab/harness/rundir"
)

// confidence is the level of every interval in run.json.
const confidence = 0.95

// estimate is the median of values with its 95% confidence interval
// (benchmath, no distributional assumption). With too few rounds the
// interval is unbounded; JSON has no infinity, so lo/hi then hold the range
// of the values and a warning says so.
func estimate(values []float64) (rundir.Estimate, string) {
	if len(values) == 0 {
		return rundir.Estimate{}, ""
	}
	vs := slices.Clone(values)
	sample := benchmath.NewSample(vs, &benchmath.DefaultThresholds) // sorts vs
	s := benchmath.AssumeNothing.Summary(sample, confidence)
	e := rundir.Estimate{Center: s.Center, Lo: s.Lo, Hi: s.Hi, N: len(vs)}
	if !math.IsInf(e.Lo, 0) && !math.IsInf(e.Hi, 0) {
		return e, ""
	}
	e.Lo, e.Hi = vs[0], vs[len(vs)-1]
	return e, fmt.Sprintf("%d rounds are too few for a %.0f%% confidence interval of the median (%v); lo/hi are the min/max of the rounds",
		len(vs), confidence*100, s.Warnings)
}

// percentileKeys are the keys of the latency maps, in lab load's order.
func percentileKeys() []string { return []string{"mean", "p50", "p90", "p99", "p999", "max"} }

func percentile(p rundir.Percentiles, key string) float64 {
	switch key {
	case "mean":
		return p.Mean
	case "p50":
		return p.P50
	case "p90":
		return p.P90
	case "p99":
		return p.P99
	case "p999":
		return p.P999
	default:
		return p.Max
	}
}

// summarize turns a server's trials and counters into its run.json entry.
func summarize(t *target) rundir.ServerSummary {
	s := rundir.ServerSummary{
		Name: t.def.name, Kind: t.def.kind, Summary: t.def.summary,
		Failed: t.failed(), FailReason: t.failReason, Rounds: len(t.trials),
		Profiles: t.profiles,
	}
	var ciWarn string
	pick := func(f func(rundir.LoadResult) float64) rundir.Estimate {
		vals := make([]float64, len(t.trials))
		for i, tr := range t.trials {
			vals[i] = f(tr.result)
		}
		e, w := estimate(vals)
		if w != "" {
			ciWarn = w
		}
		return e
	}
	s.Throughput = pick(func(lr rundir.LoadResult) float64 { return lr.ThroughputRPS })
	s.SendLagP99 = pick(func(lr rundir.LoadResult) float64 { return lr.SendLag.P99 })
	s.Latency, s.Service = map[string]rundir.Estimate{}, map[string]rundir.Estimate{}
	for _, key := range percentileKeys() {
		s.Latency[key] = pick(func(lr rundir.LoadResult) float64 { return percentile(lr.Latency, key) })
		s.Service[key] = pick(func(lr rundir.LoadResult) float64 { return percentile(lr.Service, key) })
	}
	for _, tr := range t.trials {
		s.Requests += tr.result.Requests
	}
	counters(t, &s)
	s.Warnings = append(slices.Clone(t.warnings), s.Warnings...)
	if ciWarn != "" {
		s.Warnings = append(s.Warnings, ciWarn)
	}
	return s
}
