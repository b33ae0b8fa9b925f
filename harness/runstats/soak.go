package runstats

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/stat"

	"latencylab/harness/rundir"
)

// Tolerances of a soak's verdict: how much a resource's second half may
// exceed its first half and still count as flat.
const (
	// SoakRSSShare and SoakRSSFloor: the resident set may grow by 5% or
	// 4 MiB, whichever is larger: the collector's heap goal moves with
	// each cycle, and a page or two of stack comes and goes.
	SoakRSSShare = 0.05
	SoakRSSFloor = 4 << 20
	// SoakFDs and SoakGoroutines: a connection reopened after a keep-alive
	// race, and the control endpoint's own request, hold one or two more
	// for a moment.
	SoakFDs        = 2
	SoakGoroutines = 2
)

// Soak judges a soak trial's resources over the samples after its
// settling-in. A leak grows with time, so the second half of a leaking
// resource sits above the first by more than noise.
func Soak(tr rundir.ResourceTrace) rundir.SoakVerdict {
	var judged []rundir.ResourceSample
	for _, s := range tr.Samples {
		if s.AtMS >= tr.SettleMS {
			judged = append(judged, s)
		}
	}
	v := rundir.SoakVerdict{Samples: len(judged), SettleS: tr.SettleMS / 1000, Errors: -1}
	if len(judged) < 2 {
		return v
	}
	get := func(f func(rundir.ResourceSample) int64) ([]float64, []float64) {
		var at, ys []float64
		for _, s := range judged {
			if y := f(s); y >= 0 {
				at = append(at, s.AtMS)
				ys = append(ys, float64(y))
			}
		}
		return at, ys
	}
	at, rss := get(func(s rundir.ResourceSample) int64 { return s.RSSBytes })
	v.RSS = trend(at, rss, func(base float64) float64 { return max(SoakRSSShare*base, SoakRSSFloor) })
	at, fds := get(func(s rundir.ResourceSample) int64 { return s.FDs })
	v.FDs = trend(at, fds, func(float64) float64 { return SoakFDs })
	at, gs := get(func(s rundir.ResourceSample) int64 { return s.Goroutines })
	v.Goroutines = trend(at, gs, func(float64) float64 { return SoakGoroutines })
	if _, errs := get(func(s rundir.ResourceSample) int64 { return s.Errors }); len(errs) >= 2 {
		v.Errors = int64(errs[len(errs)-1] - errs[0]) // the first and last samples that read /stats
	}
	v.Passed = v.Errors == 0
	for _, t := range []rundir.ResourceTrend{v.RSS, v.FDs, v.Goroutines} {
		v.Passed = v.Passed && (!t.Known || t.Flat)
	}
	return v
}

// trend summarizes ys (taken at atMS) against a tolerance computed from
// the first half's mean. Fewer than two known values are not judged.
func trend(atMS, ys []float64, tolerance func(base float64) float64) rundir.ResourceTrend {
	if len(ys) < 2 {
		return rundir.ResourceTrend{}
	}
	mid := len(ys) / 2
	a, b := stat.Mean(ys[:mid], nil), stat.Mean(ys[mid:], nil)
	_, perMS := stat.LinearRegression(atMS, ys, nil, false)
	t := rundir.ResourceTrend{Known: true, First: ys[0], Last: ys[len(ys)-1], Min: ys[0], Max: ys[0],
		Growth: b - a, PerMinute: perMS * 60_000, Tolerance: tolerance(a)}
	for _, y := range ys {
		t.Min, t.Max = min(t.Min, y), max(t.Max, y)
	}
	t.Flat = t.Growth <= t.Tolerance
	return t
}

// SoakSummary says in one line which resources moved: for warnings and
// the report.
func SoakSummary(v rundir.SoakVerdict) string {
	signed := func(format string, x float64) string {
		s := fmt.Sprintf(format, x)
		if x >= 0 {
			s = "+" + s
		}
		return s
	}
	if v.Samples < 2 {
		return fmt.Sprintf("%d samples after the settling-in: too few to judge", v.Samples)
	}
	var parts []string
	for _, r := range []struct {
		name string
		t    rundir.ResourceTrend
		unit float64
		fmt  string
	}{{"RSS", v.RSS, 1 << 20, "%.1f MiB"}, {"fds", v.FDs, 1, "%.0f"}, {"goroutines", v.Goroutines, 1, "%.0f"}} {
		if !r.t.Known {
			parts = append(parts, r.name+" unknown")
			continue
		}
		word := "flat"
		if !r.t.Flat {
			word = "grew"
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s → %s, second half %s, allowed %s)", r.name, word,
			fmt.Sprintf(r.fmt, r.t.First/r.unit), fmt.Sprintf(r.fmt, r.t.Last/r.unit),
			signed(r.fmt, r.t.Growth/r.unit), fmt.Sprintf(r.fmt, r.t.Tolerance/r.unit)))
	}
	switch {
	case v.Errors < 0:
		parts = append(parts, "errors unknown")
	default:
		parts = append(parts, fmt.Sprintf("%d errors", v.Errors))
	}
	return strings.Join(parts, "; ")
}
