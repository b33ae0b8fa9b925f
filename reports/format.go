package reports

import (
	"fmt"
	"math"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// fmtNS prints a duration in nanoseconds with three significant digits
// and the unit a person expects at that size.
func fmtNS(ns float64) string {
	switch a := math.Abs(ns); {
	case math.IsNaN(ns):
		return "—"
	case a >= 1e9:
		return sig3(ns/1e9) + " s"
	case a >= 1e6:
		return sig3(ns/1e6) + " ms"
	case a >= 1e3:
		return sig3(ns/1e3) + " µs"
	}
	return sig3(ns) + " ns"
}

// fmtRate prints requests per second.
func fmtRate(rps float64) string { return sig3(rps) + " req/s" }

// fmtNum prints a plain quantity (allocations, syscalls per request).
func fmtNum(v float64) string { return sig3(v) }

// sig3 keeps three significant digits without scientific notation.
func sig3(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	d := 2 - int(math.Floor(math.Log10(a)))
	return fmt.Sprintf("%.*f", d, v)
}

// fmtEst prints a median with its confidence interval in brackets, or
// the median alone when the rounds were too few for an interval (the
// table's "rounds" column says how many there were).
func fmtEst(e rundir.Estimate, f func(float64) string) string {
	switch {
	case e.N == 0:
		return "—"
	case !hasCI(e):
		return f(e.Center)
	}
	return fmt.Sprintf("%s [%s, %s]", f(e.Center), f(e.Lo), f(e.Hi))
}

// hasCI reports whether an estimate carries a confidence interval: with
// too few rounds its lo/hi are the rounds' range, which is not one.
func hasCI(e rundir.Estimate) bool { return runstats.HasInterval(e) && (e.Lo != 0 || e.Hi != 0) }

// ciWidth is the interval's width as a fraction of its center.
func ciWidth(e rundir.Estimate) float64 {
	if !hasCI(e) || e.Center == 0 {
		return math.NaN()
	}
	return (e.Hi - e.Lo) / math.Abs(e.Center)
}

// fmtPtr prints an optional value.
func fmtPtr(v *float64, f func(float64) string) string {
	if v == nil {
		return "—"
	}
	return f(*v)
}

// fmtChange prints new relative to old: "-67%", or "×3.10" for a rise
// past double, where percentages stop being readable.
func fmtChange(old, new float64) string {
	switch {
	case old == 0 && new == 0:
		return "unchanged"
	case old == 0:
		return "from zero"
	}
	r := new / old
	pct := 100 * (r - 1)
	switch {
	case r >= 2:
		return "×" + sig3(r)
	case math.Abs(pct) < 0.5:
		return "±0%"
	}
	return fmt.Sprintf("%+.0f%%", pct)
}
