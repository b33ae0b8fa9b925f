package reports

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/harness/diagnose"
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
	title: "percentile spectrum",
	intro: "Every measured request of every round, HdrHistogram style: the further right, the rarer the request. Dashed: reference servers. " +
		"Shaded bands are the latency windows of the pathologies diagnosed in this run (see Why the tail).",
	absent: "no server has .hlog data",
	build: func(rd *runData) (chart.Figure, bool) {
		return spectrumFigure("spectrum", "Latency percentile spectrum, every server", runSpectra(rd), diagnosedBands(rd))
	},
}

// modeBand is a latency window a diagnosis read, drawn on the spectrum.
type modeBand struct {
	id     string
	lo, hi float64 // ns
}

// diagnosedBands are the bands of the mode diagnoses present in the run.
func diagnosedBands(rd *runData) []modeBand {
	bands := diagnose.Bands()
	seen := map[string]bool{}
	var out []modeBand
	for _, s := range rd.servers {
		for _, d := range s.Diagnoses {
			if b, ok := bands[d.ID]; ok && !seen[d.ID] {
				seen[d.ID] = true
				out = append(out, modeBand{id: d.ID, lo: b[0], hi: b[1]})
			}
		}
	}
	return out
}

// spectrumFigure overlays percentile spectra, HdrHistogram style: x is
// 1/(1-p) on a log axis labelled with p, y is latency on a log axis.
func spectrumFigure(name, title string, series []spectrumSeries, bands []modeBand) (chart.Figure, bool) {
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
		Draw: func(dc draw.Canvas) { drawSpectrum(dc, title, kept, bands) }}, true
}

func drawSpectrum(dc draw.Canvas, title string, series []spectrumSeries, bands []modeBand) {
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
	addBands(p, bands, p.X.Min, p.X.Max)
	chart.DrawBeside(dc, leg, p.Draw)
}

// addBands shades each band across the plot and labels it at the left.
func addBands(p *plot.Plot, bands []modeBand, x0, x1 float64) {
	for _, b := range bands {
		lo, hi := b.lo/1e6, b.hi/1e6
		poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: lo}, {X: x1, Y: lo}, {X: x1, Y: hi}, {X: x0, Y: hi}})
		if err != nil {
			continue
		}
		poly.Color = color.NRGBA{R: 0xff, G: 0xc0, B: 0x40, A: 0x50}
		poly.LineStyle.Width = 0
		p.Add(poly)
		if l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x0 * 1.1, Y: hi}}, Labels: []string{b.id}}); err == nil {
			p.Add(l)
		}
	}
}

func spectrumXYs(pts []spectrumPoint) plotter.XYs {
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i] = plotter.XY{X: pt.X, Y: pt.NS / 1e6}
	}
	return chart.Positive(xys)
}
