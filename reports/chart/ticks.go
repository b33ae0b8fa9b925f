package chart

import (
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// LogTicks labels 1, 2 and 5 times each power of ten (only powers of ten
// over wide ranges), so a log axis spanning less than a decade still
// shows numbers. gonum's LogTicks labels powers of ten only.
type LogTicks struct{}

func (LogTicks) Ticks(lo, hi float64) []plot.Tick {
	labelled := []int{1, 2, 5}
	if math.Log10(hi/lo) > 3 {
		labelled = []int{1}
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, e)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if slices.Contains(labelled, m) {
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// LogAxis makes an axis logarithmic over [lo, hi] padded by a third of a
// decade-ish factor, so points do not sit on the frame.
func LogAxis(a *plot.Axis, lo, hi float64) {
	if lo <= 0 || hi <= 0 {
		return
	}
	a.Scale = plot.LogScale{}
	a.Tick.Marker = LogTicks{}
	a.Min, a.Max = lo/1.5, hi*1.5
}

// PercentileTicks labels 1/(1-p) positions with the percentile p.
func PercentileTicks(lo, hi float64) []plot.Tick {
	marks := []struct {
		x     float64
		label string
	}{{1, "0%"}, {2, "50%"}, {10, "90%"}, {100, "99%"}, {1e3, "99.9%"}, {1e4, "99.99%"}, {1e5, "99.999%"}, {1e6, "99.9999%"}}
	var ticks []plot.Tick
	for _, m := range marks {
		if m.x >= lo && m.x <= hi {
			ticks = append(ticks, plot.Tick{Value: m.x, Label: m.label})
		}
	}
	return ticks
}

// Positive keeps the points a log axis can show.
func Positive(xys plotter.XYs) plotter.XYs {
	var out plotter.XYs
	for _, p := range xys {
		if p.Y > 0 && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

// YBounds is the smallest and largest Y over several series.
func YBounds(series ...plotter.XYs) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, p := range s {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
	}
	return lo, hi
}
