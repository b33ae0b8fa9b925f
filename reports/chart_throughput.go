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

var throughputChart = reportChart{
	title:  "throughput",
	intro:  "Median requests per second across rounds; bars show the confidence interval.",
	absent: "no server has throughput results",
	build:  func(rd *runData) (chart.Figure, bool) { return throughputFigure(rd.servers) },
}

// throughputFigure: median throughput per server, bars colored by kind,
// with the across-rounds confidence interval as error bars.
func throughputFigure(servers []*serverData) (chart.Figure, bool) {
	var shown []*serverData
	for _, s := range servers {
		if s.usable() && s.Throughput.Center > 0 {
			shown = append(shown, s)
		}
	}
	if len(shown) == 0 {
		return chart.Figure{}, false
	}
	return chart.Figure{Name: "throughput", Alt: "throughput per server with confidence intervals",
		W: chart.Width, H: chart.Height, Draw: func(dc draw.Canvas) { drawThroughput(dc, shown) }}, true
}

func drawThroughput(dc draw.Canvas, servers []*serverData) {
	p := chart.NewPlot("Throughput per server (median across rounds, CI bars)", "server", "throughput (requests/s)")
	leg := chart.NewLegend()
	names, est := addKindBars(p, &leg, servers, func(s *serverData) rundir.Estimate { return s.Throughput })
	addCI(p, est, color.Gray{Y: 40}, 1)
	chart.NominalX(p, names)
	// Headroom over the tallest bar or interval, so neither meets the frame.
	p.Y.Min, p.Y.Max = 0, 1.08*maxHi(est)
	chart.DrawBeside(dc, leg, p.Draw)
}

func maxHi(est []rundir.Estimate) float64 {
	var hi float64
	for _, e := range est {
		hi = max(hi, e.Center, e.Hi)
	}
	return hi
}

// kindColor tells ladder stages, variants, reference servers and a
// user's own (external) servers apart.
func kindColor(kind string) color.Color { return chart.SeriesColor(kindIndex(kind)) }

func kindIndex(kind string) int {
	switch kind {
	case rundir.KindReference:
		return 2
	case rundir.KindVariant:
		return 1
	case rundir.KindExternal:
		return 3
	}
	return 0
}

// barWidth fits groups of k bars per category into the plot width.
func barWidth(categories, k int) vg.Length {
	avail := chart.Width * 0.7 / vg.Length(categories*k)
	return min(avail*0.8, vg.Points(48))
}

// addKindBars draws one bar per server, colored by its kind (one legend
// entry per kind), and returns the names and the estimates drawn.
func addKindBars(p *plot.Plot, leg *plot.Legend, servers []*serverData, of func(*serverData) rundir.Estimate) ([]string, []rundir.Estimate) {
	var names []string
	var est []rundir.Estimate
	inLegend := map[string]bool{}
	w := barWidth(len(servers), 1)
	for i, s := range servers {
		e := of(s)
		names, est = append(names, s.Name), append(est, e)
		bar, err := plotter.NewBarChart(plotter.Values{e.Center}, w)
		if err != nil {
			continue
		}
		bar.XMin = float64(i)
		bar.Color, bar.LineStyle.Width = kindColor(s.Kind), 0
		p.Add(bar)
		if !inLegend[s.Kind] {
			inLegend[s.Kind] = true
			leg.Add(s.Kind, bar)
		}
	}
	return names, est
}
