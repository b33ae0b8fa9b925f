package runstats

import (
	"cmp"
	"slices"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

// SweepTrial is one open-loop trial of a sweep, as the bench stored it.
type SweepTrial struct {
	Offered float64
	Bisect  bool // run in a bisection step near the knee
	Result  rundir.LoadResult
	Growing bool // its queue grew through the trial (capacity.Growing)
}

// Curve is a sweep's curve for run.json: one point per offered rate, medians across its rounds,
// ascending.
func Curve(trials []SweepTrial, o capacity.SLO) []rundir.CurvePoint {
	byRate := map[float64][]SweepTrial{}
	for _, tr := range trials {
		byRate[tr.Offered] = append(byRate[tr.Offered], tr)
	}
	var curve []rundir.CurvePoint
	for rate, trs := range byRate {
		curve = append(curve, curvePoint(rate, trs, o))
	}
	slices.SortFunc(curve, func(a, b rundir.CurvePoint) int { return cmp.Compare(a.Offered, b.Offered) })
	return curve
}

func curvePoint(offered float64, trs []SweepTrial, o capacity.SLO) rundir.CurvePoint {
	med := func(f func(rundir.LoadResult) float64) float64 {
		vs := make([]float64, len(trs))
		for i, tr := range trs {
			vs[i] = f(tr.Result)
		}
		return median(vs)
	}
	cp := rundir.CurvePoint{
		Offered:  offered,
		Achieved: med(func(lr rundir.LoadResult) float64 { return lr.ThroughputRPS }),
		P50:      med(func(lr rundir.LoadResult) float64 { return lr.Latency.P50 }),
		P90:      med(func(lr rundir.LoadResult) float64 { return lr.Latency.P90 }),
		P99:      med(func(lr rundir.LoadResult) float64 { return lr.Latency.P99 }),
		P999:     med(func(lr rundir.LoadResult) float64 { return lr.Latency.P999 }),
		Max:      med(func(lr rundir.LoadResult) float64 { return lr.Latency.Max }),
		Rounds:   len(trs),
		Bisect:   trs[0].Bisect,
	}
	growing := 0
	for _, tr := range trs {
		for _, n := range tr.Result.Errors {
			cp.Errors += n
		}
		if tr.Growing {
			growing++
		}
	}
	cp.QueueGrowing = 2*growing > len(trs) // in most of its rounds
	p := capacity.Point{Offered: offered, Achieved: cp.Achieved, Growing: cp.QueueGrowing,
		Latency: Percentile(rundir.Percentiles{P50: cp.P50, P90: cp.P90, P99: cp.P99, P999: cp.P999}, o.Percentile)}
	cp.Saturated, cp.MeetsSLO = p.Saturated(), p.Meets(o)
	return cp
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Capacity is a sweep's capacity at its SLO for run.json: the median of the rounds' knees (a round with no knee
// counts as 0) with its interval: the 95% CI from 6 rounds on, the range
// of the rounds below that.
func Capacity(knees []capacity.Knee) *rundir.Capacity {
	if len(knees) == 0 {
		return nil
	}
	c := &rundir.Capacity{}
	atLeast := 0
	for _, k := range knees {
		c.Rounds = append(c.Rounds, k.Rate)
		c.Found = c.Found || k.Found
		if k.AtLeast {
			atLeast++
		}
	}
	c.AtLeast = 2*atLeast > len(knees) // most rounds met every rate: a lower bound
	c.Estimate, _ = Estimate(c.Rounds)
	c.Interval = "95% CI"
	if !HasInterval(c.Estimate) {
		c.Interval = "range of rounds"
	}
	return c
}
