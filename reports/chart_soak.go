package reports

import (
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/harness/rundir"
	"latencylab/reports/chart"
)

var soakChart = reportChart{
	title: "soak",
	intro: "What each server held over its soak, sampled at a fixed interval from the start of the load: resident set, open file descriptors " +
		"and goroutines. Left of the dotted line is the settling-in, which the verdict does not judge; after it, a leak is a line that keeps climbing.",
	absent: "this run is not a soak (lab bench --scenario soak; scripts/soak.sh)",
	build:  func(rd *runData) (chart.Figure, bool) { return soakFigure(rd.servers) },
}

func soaked(servers []*serverData) []*serverData {
	var out []*serverData
	for _, s := range servers {
		if len(s.resources) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func soakFigure(servers []*serverData) (chart.Figure, bool) {
	shown := soaked(servers)
	if len(shown) == 0 {
		return chart.Figure{}, false
	}
	return chart.Figure{Name: "soak", Alt: "resident set, fds and goroutines over the soak", W: chart.Width, H: chart.Height * 3 / 4,
		Draw: func(dc draw.Canvas) { drawSoak(dc, shown) }}, true
}

// soakPanels are the resources charted, each with its unit.
var soakPanels = []struct {
	title, unit string
	scale       float64
	get         func(rundir.ResourceSample) int64
}{
	{"Resident set", "MiB", 1 << 20, func(s rundir.ResourceSample) int64 { return s.RSSBytes }},
	{"Open fds", "fds", 1, func(s rundir.ResourceSample) int64 { return s.FDs }},
	{"Goroutines", "goroutines", 1, func(s rundir.ResourceSample) int64 { return s.Goroutines }},
}

func drawSoak(dc draw.Canvas, servers []*serverData) {
	leg := chart.NewLegend()
	var row []*plot.Plot
	for pi, panel := range soakPanels {
		p := chart.NewPlot(panel.title, "minutes", panel.unit)
		var settle float64
		for i, s := range servers {
			for k, tr := range s.resources {
				var xys plotter.XYs
				for _, smp := range tr.Samples {
					if v := panel.get(smp); v >= 0 {
						xys = append(xys, plotter.XY{X: smp.AtMS / 60_000, Y: float64(v) / panel.scale})
					}
				}
				label := s.Name
				if len(s.resources) > 1 {
					label += " round " + strconv.Itoa(k+1)
				}
				l := &leg
				if pi > 0 {
					l = &plot.Legend{} // one legend entry per series
				}
				chart.AddLine(p, l, label, xys, i, k > 0)
				settle = max(settle, tr.SettleMS/60_000)
			}
		}
		p.Y.Min = 0
		if p.Y.Max <= 0 {
			p.Y.Max = 1
		}
		p.Y.Max *= 1.15
		addSettleLine(p, settle)
		row = append(row, p)
	}
	chart.DrawBeside(dc, leg, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Points(18)}
		cs := plot.Align([][]*plot.Plot{row}, tiles, c)
		for i, p := range row {
			p.Draw(cs[0][i])
		}
	})
}

// addSettleLine marks the end of the settling-in with a dotted line.
func addSettleLine(p *plot.Plot, atMin float64) {
	if atMin <= 0 {
		return
	}
	l, err := plotter.NewLine(plotter.XYs{{X: atMin, Y: p.Y.Min}, {X: atMin, Y: p.Y.Max}})
	if err != nil {
		return
	}
	l.Color = chart.SeriesColor(7)
	l.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
	p.Add(l)
}
