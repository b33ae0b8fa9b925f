package reports

import (
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

func roundsAt(rate float64, rps ...float64) []*rundir.LoadResult {
	var out []*rundir.LoadResult
	for _, v := range rps {
		out = append(out, &rundir.LoadResult{Rate: rate, ThroughputRPS: v})
	}
	return out
}

// In open loop, throughput is the offered rate: a lower one is not "worse".
func TestCompareOpenLoopThroughputIsOffered(t *testing.T) {
	tput := roundMetrics[0]
	a := []float64{1000, 1001, 1002, 1003, 1004, 1005}
	b := []float64{900, 901, 902, 903, 904, 905}
	open := compareMetric(tput, roundsAt(1000, a...), roundsAt(900, b...))
	if d := open.delta(); !strings.Contains(d, "offered rate") || strings.Contains(d, "worse") {
		t.Errorf("open loop: %q", d)
	}
	closed := compareMetric(tput, roundsAt(0, a...), roundsAt(0, b...))
	if d := closed.delta(); !strings.Contains(d, "worse") {
		t.Errorf("closed loop: %q", d)
	}
}
