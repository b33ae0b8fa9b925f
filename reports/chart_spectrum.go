package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/reports/chart"
)

// spectrumSeries is one curve of a percentile spectrum.
type spectrumSeries struct {
	label  string
	pts    []spectrumPoint
	dashed bool
	color  int // palette index; a compared pair shares one
}

var spectrumChart = reportChart{
	title:  "percentile spectrum",
	intro:  "Every measured request of every round, HdrHistogram style: the further right, the rarer the request. Dashed: reference servers.",
	absent: "no server has .hlog data",
	build: func(rd *runData) (chart.Figure, bool) {
		return spectrumFigure("spectrum", "Latency percentile spectrum, every server", runSpectra(rd))
	},
}

// spectrumFigure overlays percentile spectra, HdrHistogram style: x is
// 1/(1-p) on a log axis labelled with p, y is latency on a log axis.
func spectrumFigure(name, title string, series []spectrumSeries) (chart.Figure, bool) {
	var kept []spectrumSeries
	for _, s := range series {
		if len(s.pts) > 0 {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return chart.Figure{}, false
	}
	return chart.Figure{Name: name, Alt: title, W: chart.Width, H: chart.Height,
		Draw: func(dc draw.Canvas) { drawSpectrum(dc, title, kept) }}, true
}

func drawSpectrum(dc draw.Canvas, title string, series []spectrumSeries) {
	p := chart.NewPlot(title, "percentile (x = 1/(1−p), log scale)", "latency (ms, log scale)")
	leg := chart.NewLegend()
	var all []plotter.XYs
	xMax := 2.0
	for _, s := range series {
		xys := spectrumXYs(s.pts)
		chart.AddLine(p, &leg, s.label, xys, s.color, s.dashed)
		all = append(all, xys)
		xMax = math.Max(xMax, s.pts[len(s.pts)-1].X)
	}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(chart.PercentileTicks)
	p.X.Min, p.X.Max = 1, math.Max(10, xMax)
	lo, hi := chart.YBounds(all...)
	chart.LogAxis(&p.Y, lo, hi)
	chart.DrawBeside(dc, leg, p.Draw)
}

func spectrumXYs(pts []spectrumPoint) plotter.XYs {
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i] = plotter.XY{X: pt.X, Y: pt.NS / 1e6}
	}
	return chart.Positive(xys)
}
