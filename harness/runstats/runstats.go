// Package runstats turns what a run measured of one server (its rounds
// and its counters) into the server's run.json summary: medians with
// confidence intervals across rounds, and per-request costs from counter
// deltas. It is pure arithmetic over run-directory types, and the one
// implementation of it: lab bench writes run.json through it, and the
// report tests build their fixture runs through it, so the report is
// tested on exactly what the bench writes.
package runstats

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"latencylab/harness/rundir"
)

// Confidence is the level of every interval in run.json.
const Confidence = 0.95

// MinRoundsForCI is the fewest rounds for which benchmath gives the median
// a finite interval at Confidence (AssumeNothing); with fewer, lo/hi are
// the range of the rounds, not an interval (see Estimate).
const MinRoundsForCI = 6

// HasInterval reports whether e carries a confidence interval, as opposed
// to the range Estimate writes when there are too few rounds.
func HasInterval(e rundir.Estimate) bool {
	finite := !math.IsInf(e.Lo, 0) && !math.IsInf(e.Hi, 0) && !math.IsNaN(e.Lo) && !math.IsNaN(e.Hi)
	return finite && e.N >= MinRoundsForCI && e.Hi >= e.Lo
}

// Server is what a run measured of one server.
type Server struct {
	Name, Kind, Summary string
	Base                string // a stage: the stage it changes (rundir.ServerSummary.Base)
	Failed              bool
	FailReason          string
	Profiles            []string
	Warnings            []string            // carried into the summary, first
	Trials              []rundir.LoadResult // one per measured round, in round order
	// Before and After are the server's /stats around the measured rounds;
	// nil for servers without /stats.
	Before, After *rundir.Stats
	// CPU is the server's user+system CPU time around the measured rounds;
	// nil when unknown.
	CPU *CPUSpan
	// Imbalance is each round's imbalance figure, where /stats was
	// sampled (rundir.ReactorTrace).
	Imbalance []float64
	// Soak is a soak's verdict (Soak), where the scenario is one.
	Soak *rundir.SoakVerdict
}

// CPUSpan is a process's CPU time, in seconds, read twice.
type CPUSpan struct{ Before, After float64 }

// Estimate is the median of values with its confidence interval
// (benchmath, no distributional assumption). With too few values the
// interval is unbounded; JSON has no infinity, so lo/hi then hold the
// range of the values and the warning says so.
func Estimate(values []float64) (rundir.Estimate, string) {
	if len(values) == 0 {
		return rundir.Estimate{}, ""
	}
	vs := slices.Clone(values)
	sample := benchmath.NewSample(vs, &benchmath.DefaultThresholds) // sorts vs
	s := benchmath.AssumeNothing.Summary(sample, Confidence)
	e := rundir.Estimate{Center: s.Center, Lo: s.Lo, Hi: s.Hi, N: len(vs)}
	if !math.IsInf(e.Lo, 0) && !math.IsInf(e.Hi, 0) {
		return e, ""
	}
	e.Lo, e.Hi = vs[0], vs[len(vs)-1]
	return e, fmt.Sprintf("%d rounds are too few for a %.0f%% confidence interval of the median (%v); lo/hi are the min/max of the rounds",
		len(vs), Confidence*100, s.Warnings)
}

// PercentileKeys are the keys of the latency maps, in lab load's order.
func PercentileKeys() []string { return []string{"mean", "p50", "p90", "p99", "p999", "max"} }

// Percentile is p's figure for one of PercentileKeys.
func Percentile(p rundir.Percentiles, key string) float64 {
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

// Summarize is the server's run.json entry.
func Summarize(srv Server) rundir.ServerSummary {
	s := rundir.ServerSummary{
		Name: srv.Name, Kind: srv.Kind, Summary: srv.Summary, Base: srv.Base,
		Failed: srv.Failed, FailReason: srv.FailReason, Rounds: len(srv.Trials),
		Profiles: srv.Profiles,
	}
	var ciWarn string
	estimate := func(vals []float64) rundir.Estimate {
		e, w := Estimate(vals)
		if w != "" {
			ciWarn = w
		}
		return e
	}
	// A trial without samples has no percentiles: it is left out of their
	// medians, not counted as zero.
	percentile := func(of func(rundir.LoadResult) rundir.Percentiles, key string) rundir.Estimate {
		var vals []float64
		for _, tr := range srv.Trials {
			if p := of(tr); !p.Empty() {
				vals = append(vals, Percentile(p, key))
			}
		}
		return estimate(vals)
	}
	var tput []float64
	for _, tr := range srv.Trials {
		tput = append(tput, tr.ThroughputRPS)
	}
	latency := func(lr rundir.LoadResult) rundir.Percentiles { return lr.Latency }
	service := func(lr rundir.LoadResult) rundir.Percentiles { return lr.Service }
	sendLag := func(lr rundir.LoadResult) rundir.Percentiles { return lr.SendLag }
	s.Throughput = estimate(tput)
	s.SendLagP99 = percentile(sendLag, "p99")
	s.Latency, s.Service = map[string]rundir.Estimate{}, map[string]rundir.Estimate{}
	for _, key := range PercentileKeys() {
		s.Latency[key] = percentile(latency, key)
		s.Service[key] = percentile(service, key)
	}
	for _, tr := range srv.Trials {
		s.Requests += tr.Requests
	}
	PerRequest(srv, &s)
	reactorShares(srv, &s)
	if len(srv.Imbalance) > 0 {
		e := estimate(srv.Imbalance)
		s.Imbalance = &e
	}
	s.Soak = srv.Soak
	s.Warnings = append(slices.Clone(srv.Warnings), s.Warnings...)
	if ciWarn != "" {
		s.Warnings = append(s.Warnings, ciWarn)
	}
	return s
}

// reactorShares is each reactor's part of the measured rounds, for a
// server of several reactors with /stats on both sides.
func reactorShares(srv Server, s *rundir.ServerSummary) {
	b, a := srv.Before, srv.After
	if b == nil || a == nil || len(a.Reactors) < 2 || len(b.Reactors) != len(a.Reactors) {
		return
	}
	s.Balance = a.Balance
	for i, ra := range a.Reactors {
		rb := b.Reactors[i]
		s.Reactors = append(s.Reactors, rundir.ReactorShare{
			Accepted: ra.ConnectionsAccepted - min(rb.ConnectionsAccepted, ra.ConnectionsAccepted),
			Requests: ra.RequestsTotal - min(rb.RequestsTotal, ra.RequestsTotal),
		})
	}
}
