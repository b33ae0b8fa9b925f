package runstats

import (
	"testing"

	"latencylab/harness/rundir"
)

// soakTrace makes n samples 10 s apart, the first minute settling-in;
// each figure is f(i).
func soakTrace(n int, rss, fds, gs, errs func(i int) int64) rundir.ResourceTrace {
	tr := rundir.ResourceTrace{IntervalMS: 10_000, SettleMS: 60_000}
	for i := range n {
		tr.Samples = append(tr.Samples, rundir.ResourceSample{AtMS: float64(i+1) * 10_000,
			RSSBytes: rss(i), FDs: fds(i), Goroutines: gs(i), Errors: errs(i), Requests: int64(i) * 1000, Connections: 64})
	}
	return tr
}

func constant(v int64) func(int) int64 { return func(int) int64 { return v } }

func TestSoakVerdict(t *testing.T) {
	const mib = 1 << 20
	noisy := func(i int) int64 { return 20*mib + int64(i%3)*mib } // the heap breathing
	for _, c := range []struct {
		name               string
		tr                 rundir.ResourceTrace
		flat, rss, fds, gs bool
	}{
		{"flat", soakTrace(60, noisy, constant(70), constant(9), constant(0)), true, true, true, true},
		// The first minute may grow: pools fill, the heap finds its size.
		{"growth while settling", soakTrace(60, func(i int) int64 { return int64(min(i, 5)) * 10 * mib }, constant(70), constant(9), constant(0)), true, true, true, true},
		{"leaking memory", soakTrace(60, func(i int) int64 { return 20*mib + int64(i)*mib }, constant(70), constant(9), constant(0)), false, false, true, true},
		{"leaking fds", soakTrace(60, noisy, func(i int) int64 { return 70 + int64(i/4) }, constant(9), constant(0)), false, true, false, true},
		{"leaking goroutines", soakTrace(60, noisy, constant(70), func(i int) int64 { return 9 + int64(i) }, constant(0)), false, true, true, false},
		{"errors", soakTrace(60, noisy, constant(70), constant(9), func(i int) int64 { return int64(i) }), false, true, true, true},
	} {
		v := Soak(c.tr)
		if v.Passed != c.flat || v.RSS.Flat != c.rss || v.FDs.Flat != c.fds || v.Goroutines.Flat != c.gs {
			t.Errorf("%s: flat %v (rss %v, fds %v, goroutines %v), want %v (%v, %v, %v): %+v",
				c.name, v.Passed, v.RSS.Flat, v.FDs.Flat, v.Goroutines.Flat, c.flat, c.rss, c.fds, c.gs, v)
		}
		if v.Samples != 55 {
			t.Errorf("%s: judged %d samples, want the 55 from the first minute on", c.name, v.Samples)
		}
	}
}

// A server without a control endpoint has no goroutine count: it is not
// judged, and does not fail the verdict.
func TestSoakUnknownFigures(t *testing.T) {
	v := Soak(soakTrace(20, constant(1<<24), constant(10), constant(-1), constant(-1)))
	if v.Goroutines.Known || !v.RSS.Known || v.Errors != -1 {
		t.Fatalf("%+v", v)
	}
	if v.Passed {
		t.Fatal("flat with no error count: a soak must prove it had no errors")
	}
	if v := Soak(soakTrace(6, constant(1), constant(1), constant(1), constant(0))); v.Samples > 1 || v.Passed {
		t.Fatalf("nothing after the settling-in judged flat: %+v", v)
	}
}

func TestSoakSlope(t *testing.T) {
	v := Soak(soakTrace(60, func(i int) int64 { return int64(i) * 6 }, constant(1), constant(1), constant(0)))
	// 6 bytes per 10 s sample: 36 per minute.
	if d := v.RSS.PerMinute - 36; d > 1e-6 || d < -1e-6 {
		t.Fatalf("per minute %v, want 36", v.RSS.PerMinute)
	}
}
