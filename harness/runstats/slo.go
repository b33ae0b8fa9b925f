package runstats

import (
	"fmt"
	"time"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

// SLO judges a run against a latency objective: its latency percentile
// (from the intended send time) within the threshold, at least one
// sample, and no failed request. A request that timed out is a latency
// sample of at least the timeout, and an error too.
func SLO(lr rundir.LoadResult, o capacity.SLO) rundir.SLOVerdict {
	v := rundir.SLOVerdict{Objective: o.String(), Percentile: o.Percentile, ThresholdNS: o.ThresholdNS()}
	for _, n := range lr.Errors {
		v.Errors += n
	}
	if !lr.Latency.Empty() {
		v.MeasuredNS = Percentile(lr.Latency, o.Percentile)
	}
	switch {
	case lr.Latency.Empty():
		v.Why = "no latency sample"
	case v.MeasuredNS > v.ThresholdNS:
		v.Why = fmt.Sprintf("%s is %v, over %v", o.Percentile, time.Duration(v.MeasuredNS), o.Threshold)
	case v.Errors > 0:
		v.Why = fmt.Sprintf("%d requests failed", v.Errors)
	default:
		v.Met = true
	}
	return v
}
