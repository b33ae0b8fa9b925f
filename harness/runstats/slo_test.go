package runstats

import (
	"testing"
	"time"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

func TestSLO(t *testing.T) {
	o := capacity.SLO{Percentile: "p999", Threshold: 2 * time.Millisecond}
	lat := rundir.Percentiles{Count: 10, P50: 1e5, P99: 1e6, P999: 1.5e6, Max: 3e6}
	for _, c := range []struct {
		name string
		lr   rundir.LoadResult
		met  bool
	}{
		{"within", rundir.LoadResult{Latency: lat, Errors: map[string]int64{"timeout": 0}}, true},
		{"over", rundir.LoadResult{Latency: rundir.Percentiles{Count: 10, P999: 2.5e6, Max: 3e6}}, false},
		{"failed requests", rundir.LoadResult{Latency: lat, Errors: map[string]int64{"reset": 2}}, false},
		{"no sample", rundir.LoadResult{}, false},
	} {
		v := SLO(c.lr, o)
		if v.Met != c.met || (v.Met != (v.Why == "")) || v.Objective != "p99.9=2ms" {
			t.Errorf("%s: %+v, want met %v", c.name, v, c.met)
		}
	}
}
