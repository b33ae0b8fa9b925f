package reports

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/harness/rundir"
	"latencylab/reports/chart"
)

var balanceChart = reportChart{
	title: "balance",
	intro: "How each balance strategy spread the load. Left: each reactor's share of the requests answered over the measured rounds " +
		"(an even split over N reactors is 1/N each). Right: the measured connections' latency under each strategy, p50 and p99, " +
		"medians across rounds with their confidence intervals.",
	absent: "no server of several reactors in this run (the balance scenario has them)",
	build:  func(rd *runData) (chart.Figure, bool) { return balanceFigure(rd.servers) },
}

// multiReactor lists the usable servers with several reactors.
func multiReactor(servers []*serverData) []*serverData {
	var out []*serverData
	for _, s := range servers {
		if s.usable() && len(s.Reactors) > 1 {
			out = append(out, s)
		}
	}
	return out
}

func balanceFigure(servers []*serverData) (chart.Figure, bool) {
	shown := multiReactor(servers)
	if len(shown) == 0 {
		return chart.Figure{}, false
	}
	return chart.Figure{Name: "balance", Alt: "per-reactor share of requests and latency per balance strategy",
		W: chart.Width, H: chart.Height, Draw: func(dc draw.Canvas) { drawBalance(dc, shown) }}, true
}

func drawBalance(dc draw.Canvas, servers []*serverData) {
	leg := chart.NewLegend()
	left := sharesPanel(servers, &leg)
	right := latencyPanel(servers, &leg)
	chart.DrawBeside(dc, leg, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(18)}
		cs := plot.Align([][]*plot.Plot{{left, right}}, tiles, c)
		left.Draw(cs[0][0])
		right.Draw(cs[0][1])
	})
}

// sharesPanel: one bar per reactor around each server.
func sharesPanel(servers []*serverData, leg *plot.Legend) *plot.Plot {
	p := chart.NewPlot("Share of requests, per reactor", "server", "share of the server's requests")
	n := 0
	for _, s := range servers {
		n = max(n, len(s.Reactors))
	}
	w := barWidth(len(servers), 2*n)
	for k := range n {
		vals := make(plotter.Values, len(servers))
		for i, s := range servers {
			vals[i] = requestShare(s.Reactors, k)
		}
		bar, err := plotter.NewBarChart(vals, w)
		if err != nil {
			continue
		}
		bar.Color, bar.LineStyle.Width = chart.SeriesColor(k), 0
		bar.Offset = w * vg.Length(2*k-n+1) / 2
		p.Add(bar)
		leg.Add(fmt.Sprintf("reactor %d", k), bar)
	}
	chart.NominalX(p, namesOf(servers))
	chart.RotateX(p)
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

func requestShare(rs []rundir.ReactorShare, k int) float64 {
	if k >= len(rs) {
		return 0
	}
	var total uint64
	for _, r := range rs {
		total += r.Requests
	}
	if total == 0 {
		return 0
	}
	return float64(rs[k].Requests) / float64(total)
}

// latencyPanel: p50 and p99 per server, in milliseconds, as points with
// their confidence intervals, p50 left of the category and p99 right.
func latencyPanel(servers []*serverData, leg *plot.Legend) *plot.Plot {
	p := chart.NewPlot("Latency of the measured connections", "server", "latency (ms)")
	var hi float64
	for j, q := range []string{"p50", "p99"} {
		dx := 0.15 * float64(2*j-1)
		var pts ciBars
		for i, s := range servers {
			e := s.Latency[q]
			if e.Center <= 0 {
				continue
			}
			lo, top := e.Center, e.Center
			if hasCI(e) {
				lo, top = e.Lo, e.Hi
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: float64(i) + dx, Y: e.Center / 1e6})
			pts.errs = append(pts.errs, struct{ Low, High float64 }{(e.Center - lo) / 1e6, (top - e.Center) / 1e6})
			hi = max(hi, top/1e6)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts.XYs)
		if err != nil {
			continue
		}
		sc.Color, sc.Shape = chart.SeriesColor(5+j), draw.CircleGlyph{}
		sc.Radius = vg.Points(4)
		p.Add(sc)
		leg.Add("latency "+q, sc)
		if eb, err := plotter.NewYErrorBars(pts); err == nil {
			eb.Color = chart.SeriesColor(5 + j)
			p.Add(eb)
		}
	}
	chart.NominalX(p, namesOf(servers))
	chart.RotateX(p)
	p.Y.Min, p.Y.Max = 0, 1.08*max(hi, 1e-3)
	return p
}

func namesOf(servers []*serverData) []string {
	names := make([]string, len(servers))
	for i, s := range servers {
		names[i] = s.Name
	}
	return names
}
