package reports

import (
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

func roundsOf(tput ...float64) []*rundir.LoadResult {
	var out []*rundir.LoadResult
	for _, v := range tput {
		out = append(out, &rundir.LoadResult{ThroughputRPS: v, Latency: rundir.Percentiles{Count: 1, Mean: 1e6 / v * 100, P50: 1e6 / v * 90,
			P99: 1e6 / v * 300, P999: 1e6 / v * 500, Max: 1e6 / v * 900}})
	}
	return out
}

// Two identical servers: the A/A difference is what their medians differ
// by, and with 6 rounds a shift of a few percent is detectable; with 2
// rounds none is (the U test cannot reject with so few).
func TestNoiseFloorOfAnAARun(t *testing.T) {
	a := &serverData{ServerSummary: rundir.ServerSummary{Name: "x"}, rounds: roundsOf(100, 101, 99, 100, 102, 98)}
	b := &serverData{ServerSummary: rundir.ServerSummary{Name: "x~aa"}, rounds: roundsOf(101, 100, 102, 99, 101, 100)}
	ms := noiseMetrics(a, b)
	tput := ms[0]
	if tput.name != "throughput" || tput.diff < 0.004 || tput.diff > 0.006 {
		t.Fatalf("throughput A/A difference %.4f, want 0.005 (medians 100 and 100.5)", tput.diff)
	}
	if tput.detect <= 0 || tput.detect > 0.05 {
		t.Fatalf("smallest detectable %.4f, want a few percent", tput.detect)
	}
	few := noiseMetrics(&serverData{rounds: roundsOf(100, 101)}, &serverData{rounds: roundsOf(100, 102)})
	if few[0].detect != 0 {
		t.Fatalf("2 rounds: detectable %.4f, want none", few[0].detect)
	}
}

// A significant difference smaller than the A/A floor is within noise.
func TestCompareFlagsWithinNoise(t *testing.T) {
	r := compareValues(roundMetrics[0], []float64{100, 100.2, 100.1, 100, 100.3, 100.1}, []float64{102, 102.1, 102.2, 102, 102.3, 102.1})
	if d := r.delta(); !strings.Contains(d, "better") {
		t.Fatalf("without a floor: %q, want a significant improvement", d)
	}
	r.floor = 0.03
	if d := r.delta(); !strings.Contains(d, "within noise") {
		t.Fatalf("with a 3%% floor: %q, want within noise", d)
	}
	r.floor = 0.01
	if d := r.delta(); strings.Contains(d, "within noise") {
		t.Fatalf("with a 1%% floor a 2%% change is not noise: %q", d)
	}
}
