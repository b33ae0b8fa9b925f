package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// spectrumSeries is one curve of a percentile spectrum.
type spectrumSeries struct {
	label  string
	pts    []spectrumPoint
	dashed bool
	color  int // palette index; a compared pair shares one
}

// spectrumFigure overlays percentile spectra, HdrHistogram style: x is
// 1/(1-p) on a log axis labelled with p, y is latency on a log axis.
func spectrumFigure(name, title string, series []spectrumSeries) (figure, bool) {
	var kept []spectrumSeries
	for _, s := range series {
		if len(s.pts) > 0 {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return figure{}, false
	}
	return figure{name: name, alt: title, w: chartW, h: chartH,
		draw: func(dc draw.Canvas) { drawSpectrum(dc, title, kept) }}, true
}

func drawSpectrum(dc draw.Canvas, title string, series []spectrumSeries) {
	p := newPlot(title, "percentile (x = 1/(1−p), log scale)", "latency (ms, log scale)")
	leg := newLegend()
	var all []plotter.XYs
	xMax := 2.0
	for _, s := range series {
		xys := spectrumXYs(s.pts)
		addLine(p, &leg, s.label, xys, s.color, s.dashed)
		all = append(all, xys)
		xMax = math.Max(xMax, s.pts[len(s.pts)-1].X)
	}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(percentileTicks)
	p.X.Min, p.X.Max = 1, math.Max(10, xMax)
	lo, hi := yBounds(all...)
	logAxis(&p.Y, lo, hi)
	drawBeside(dc, leg, p.Draw)
}

func spectrumXYs(pts []spectrumPoint) plotter.XYs {
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i] = plotter.XY{X: pt.X, Y: pt.NS / 1e6}
	}
	return positive(xys)
}
