package reports

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/reports/chart"
)

// costRow is one server's per-request costs, for the counters chart.
type costRow struct {
	name string
	pr   perRequest
}

var countersChart = reportChart{
	title:  "allocations and syscalls",
	intro:  "What one request costs the server: heap allocations and syscalls by kind.",
	absent: "no server reported counters",
	build:  func(rd *runData) (chart.Figure, bool) { return countersFigure(rd.servers) },
}

// countersFigure: allocations per request (left) and syscalls per
// request grouped by kind (right), per server that counted them.
func countersFigure(servers []*serverData) (chart.Figure, bool) {
	var rows []costRow
	for _, s := range servers {
		pr := s.perRequest()
		if s.usable() && (pr.allocs != nil || len(pr.syscalls) > 0) {
			rows = append(rows, costRow{s.Name, pr})
		}
	}
	if len(rows) == 0 {
		return chart.Figure{}, false
	}
	return chart.Figure{Name: "counters", Alt: "allocations and syscalls per request",
		W: chart.Width, H: chart.Height, Draw: func(dc draw.Canvas) { drawCounters(dc, rows) }}, true
}

func drawCounters(dc draw.Canvas, rows []costRow) {
	kinds := syscallKinds(prsOf(rows))
	leg := chart.NewLegend()
	left := allocsPanel(rows)
	right := syscallsPanel(rows, kinds, &leg)
	chart.DrawBeside(dc, leg, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(18)}
		cs := plot.Align([][]*plot.Plot{{left, right}}, tiles, c)
		left.Draw(cs[0][0])
		right.Draw(cs[0][1])
	})
}

func prsOf(rows []costRow) []perRequest {
	prs := make([]perRequest, len(rows))
	for i, r := range rows {
		prs[i] = r.pr
	}
	return prs
}

func allocsPanel(rows []costRow) *plot.Plot {
	p := chart.NewPlot("Heap allocations per request", "server", "allocations per request (objects)")
	vals := make(plotter.Values, len(rows))
	for i, r := range rows {
		if r.pr.allocs != nil {
			vals[i] = max(*r.pr.allocs, 0)
		}
	}
	if bar, err := plotter.NewBarChart(vals, barWidth(len(rows), 2)); err == nil {
		bar.Color, bar.LineStyle.Width = chart.SeriesColor(0), 0
		p.Add(bar)
	}
	finishCategoryPanel(p, rows)
	return p
}

// syscallsPanel groups one bar per syscall kind around each server.
func syscallsPanel(rows []costRow, kinds []string, leg *plot.Legend) *plot.Plot {
	p := chart.NewPlot("Syscalls per request, by kind", "server", "syscalls per request")
	w := barWidth(len(rows), 2*max(len(kinds), 1))
	for k, kind := range kinds {
		vals := make(plotter.Values, len(rows))
		for i, r := range rows {
			vals[i] = max(r.pr.syscalls[kind], 0)
		}
		bar, err := plotter.NewBarChart(vals, w)
		if err != nil {
			continue
		}
		bar.Color, bar.LineStyle.Width = chart.SeriesColor(k+1), 0
		bar.Offset = w * vg.Length(2*k-len(kinds)+1) / 2
		p.Add(bar)
		leg.Add("syscall: "+kind, bar)
	}
	finishCategoryPanel(p, rows)
	return p
}

func finishCategoryPanel(p *plot.Plot, rows []costRow) {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.name
	}
	chart.NominalX(p, names)
	p.Title.TextStyle.Font.Size = chart.LabelSize
	p.Y.Min = 0
	// Headroom, so the tallest bar does not meet the frame and look cut.
	p.Y.Max *= 1.1
}
