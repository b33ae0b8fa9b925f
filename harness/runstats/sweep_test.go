package runstats

import (
	"testing"
	"time"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

func sweepTrial(offered, achieved, p99ms float64, growing bool) SweepTrial {
	return SweepTrial{Offered: offered, Growing: growing, Result: rundir.LoadResult{ThroughputRPS: achieved,
		Latency: rundir.Percentiles{Count: 1, P50: p99ms * 1e6 / 4, P99: p99ms * 1e6, Max: p99ms * 2e6}}}
}

// A sweep's curve is one point per offered rate, ascending, each the
// median of its rounds; a queue grows at a rate when it grew in most of
// its rounds.
func TestCurve(t *testing.T) {
	o := capacity.SLO{Percentile: "p99", Threshold: 2 * time.Millisecond}
	trials := []SweepTrial{
		sweepTrial(2000, 1990, 3, true), sweepTrial(1000, 1000, 1, false),
		sweepTrial(2000, 1995, 4, true), sweepTrial(1000, 999, 1.5, false),
		sweepTrial(2000, 2000, 1, false), sweepTrial(1000, 1000, 0.5, true),
	}
	c := Curve(trials, o)
	if len(c) != 2 || c[0].Offered != 1000 || c[1].Offered != 2000 {
		t.Fatalf("curve %+v", c)
	}
	if c[0].P99 != 1e6 || c[0].Rounds != 3 || c[0].QueueGrowing || !c[0].MeetsSLO {
		t.Errorf("1000 req/s: %+v", c[0])
	}
	if c[1].P99 != 3e6 || !c[1].QueueGrowing || !c[1].Saturated || c[1].MeetsSLO {
		t.Errorf("2000 req/s: %+v", c[1])
	}
}

func TestCapacity(t *testing.T) {
	if Capacity(nil) != nil {
		t.Fatal("a capacity without rounds")
	}
	c := Capacity([]capacity.Knee{{Rate: 1000, Found: true}, {Rate: 1200, Found: true}, {Rate: 1100, Found: true}})
	if c.Center != 1100 || c.Interval != "range of rounds" || !c.Found || c.AtLeast {
		t.Errorf("%+v", c)
	}
}
