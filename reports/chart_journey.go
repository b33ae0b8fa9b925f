package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/harness/rundir"
	"latencylab/reports/chart"
)

var journeyChart = reportChart{
	title:  "journey",
	intro:  "Mean and p99 latency per stage, log scale; dashed lines are the figures seed 004 reported.",
	absent: "no ladder stage has latency results",
	build:  func(rd *runData) (chart.Figure, bool) { return journeyFigure(rd.stages()) },
}

// journeyFigure: mean and p99 latency per ladder stage on a log axis,
// with the seed's figures as labelled reference lines. ok is false when
// no stage has latency to show.
func journeyFigure(stages []*serverData) (chart.Figure, bool) {
	var names []string
	var mean, p99 []rundir.Estimate
	for _, s := range stages {
		if !s.usable() || s.Latency["mean"].Center <= 0 {
			continue
		}
		names = append(names, s.Name)
		mean, p99 = append(mean, s.Latency["mean"]), append(p99, s.Latency["p99"])
	}
	if len(names) == 0 {
		return chart.Figure{}, false
	}
	draw := func(dc draw.Canvas) { drawJourney(dc, names, mean, p99) }
	return chart.Figure{Name: "journey", Alt: "latency per stage: mean and p99, with the seed's figures",
		W: chart.Width, H: chart.Height, Draw: draw}, true
}

func drawJourney(dc draw.Canvas, names []string, mean, p99 []rundir.Estimate) {
	p := chart.NewPlot("The journey: latency per ladder stage", "stage (ladder order)", "latency (ms, log scale)")
	leg := chart.NewLegend()
	p.NominalX(names...)
	// One empty slot on the left holds the seed labels clear of the data.
	p.X.Min, p.X.Max = refLabelX-0.05, float64(len(names))-0.5
	var all []plotter.XYs
	for i, series := range []struct {
		label string
		est   []rundir.Estimate
	}{{"mean", mean}, {"p99", p99}} {
		xys := estimatesMS(series.est)
		chart.AddLinePoints(p, &leg, series.label, xys, i, false)
		addErrorBars(p, series.est, chart.SeriesColor(i))
		all = append(all, xys)
	}
	refs := seedReferences()
	addReferences(p, &leg, refs, float64(len(names)))
	lo, hi := chart.YBounds(all...)
	for _, r := range refs {
		lo, hi = min(lo, r.ms), max(hi, r.ms)
	}
	// The error bars must fit too, not only the medians.
	for _, est := range [][]rundir.Estimate{mean, p99} {
		for _, e := range est {
			if e.Hi > 0 {
				hi = max(hi, e.Hi/1e6)
			}
			if e.Lo > 0 {
				lo = min(lo, e.Lo/1e6)
			}
		}
	}
	chart.LogAxis(&p.Y, lo, hi)
	chart.DrawBeside(dc, leg, p.Draw)
}

// estimatesMS turns latency estimates (ns) into points at x = index.
func estimatesMS(est []rundir.Estimate) plotter.XYs {
	var xys plotter.XYs
	for i, e := range est {
		xys = append(xys, plotter.XY{X: float64(i), Y: e.Center / 1e6})
	}
	return chart.Positive(xys)
}

// refLabelX is where the seed labels start, left of the first stage.
const refLabelX = -1.2

// addReferences draws each seed figure as a dashed line across the plot
// with its label just above it at the left edge.
func addReferences(p *plot.Plot, leg *plot.Legend, refs []seedReference, n float64) {
	gray := color.Gray{Y: 110}
	var labels plotter.XYLabels
	for i, r := range refs {
		line, err := plotter.NewLine(plotter.XYs{{X: refLabelX - 0.05, Y: r.ms}, {X: n - 0.5, Y: r.ms}})
		if err != nil {
			continue
		}
		line.Color, line.Dashes = gray, []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(line)
		if i == 0 {
			leg.Add("seed 004 figures", line)
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: refLabelX, Y: r.ms * 1.07})
		labels.Labels = append(labels.Labels, r.label)
	}
	if l, err := plotter.NewLabels(labels); err == nil {
		for i := range l.TextStyle {
			l.TextStyle[i].Color = gray
			l.TextStyle[i].Font = chart.TextFont(chart.TickSize)
		}
		p.Add(l)
	}
}

// ciBars are confidence intervals as YErrorBars want them.
type ciBars struct {
	plotter.XYs
	errs plotter.YErrors
}

func (c ciBars) YError(i int) (float64, float64) { return c.errs.YError(i) }

// addErrorBars draws the CI of each estimate that has one (values in ns,
// drawn in ms).
func addErrorBars(p *plot.Plot, est []rundir.Estimate, c color.Color) {
	addCI(p, est, c, 1e-6)
}

// addCI draws CIs of estimates at x = index, scaled by unit.
func addCI(p *plot.Plot, est []rundir.Estimate, c color.Color, unit float64) {
	var bars ciBars
	for i, e := range est {
		if !hasCI(e) || e.Center <= 0 || e.Lo <= 0 {
			continue
		}
		bars.XYs = append(bars.XYs, plotter.XY{X: float64(i), Y: e.Center * unit})
		bars.errs = append(bars.errs, struct{ Low, High float64 }{(e.Center - e.Lo) * unit, (e.Hi - e.Center) * unit})
	}
	if len(bars.XYs) == 0 {
		return
	}
	if eb, err := plotter.NewYErrorBars(bars); err == nil {
		eb.Color = c
		p.Add(eb)
	}
}
