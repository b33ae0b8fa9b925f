package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"latencylab/reports/chart"
)

// Timeline grid geometry: up to three panels a row, each this tall.
const (
	timelineCols   = 3
	timelinePanelH = 3.2 * vg.Inch
)

// timelineSize is the figure size for n panels.
func timelineSize(n int) (w, h vg.Length) {
	rows := (n + timelineCols - 1) / timelineCols
	return chart.Width, vg.Length(rows)*timelinePanelH + vg.Inch/2
}

var timelineChart = reportChart{
	title: "latency over time",
	intro: "p50 and p99 per 100 ms interval of the measured window, rounds merged interval by interval: a stall shared by every round stands out. " +
		"Triangles along the bottom of a Go server's panel mark the intervals where the runtime stalled it for 1 ms or more while the GC ran (a stop-the-world pause, or the server waiting to be scheduled), in any round.",
	absent: "no server has .hlog intervals covering its window",
	build:  func(rd *runData) (chart.Figure, bool) { return timelineFigure(rd.servers) },
}

// timelineFigure: p50 and p99 latency per second of the measured window,
// one panel per server with .hlog data.
func timelineFigure(servers []*serverData) (chart.Figure, bool) {
	var shown []*serverData
	for _, s := range servers {
		if len(s.intervals) > 0 {
			shown = append(shown, s)
		}
	}
	if len(shown) == 0 {
		return chart.Figure{}, false
	}
	w, h := timelineSize(len(shown))
	return chart.Figure{Name: "timeline", Alt: "p50 and p99 latency per second, per server", W: w, H: h,
		Draw: func(dc draw.Canvas) { drawTimeline(dc, shown) }}, true
}

func drawTimeline(dc draw.Canvas, servers []*serverData) {
	cols := min(timelineCols, len(servers))
	rows := (len(servers) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, s := range servers {
		grid[i/cols][i%cols] = timelinePanel(s)
	}
	leg := chart.NewLegend()
	for i, label := range []string{"p50", "p99"} {
		l, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		styleTimeline(l, i)
		leg.Add(label, l)
	}
	chart.DrawBeside(dc, leg, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: vg.Points(14),
			PadTop: vg.Points(6), PadBottom: vg.Points(6)}
		canvases := plot.Align(grid, tiles, c)
		for r := range grid {
			for col, p := range grid[r] {
				if p != nil {
					p.Draw(canvases[r][col])
				}
			}
		}
	})
}

// timelinePanel plots one server's per-second percentiles.
func timelinePanel(s *serverData) *plot.Plot {
	p := chart.NewPlot(s.Name, "time in window (s)", "latency (ms, log)")
	p.Title.TextStyle.Font.Size = chart.LabelSize
	var all []plotter.XYs
	for i, pick := range []func(intervalStat) float64{
		func(st intervalStat) float64 { return st.P50NS },
		func(st intervalStat) float64 { return st.P99NS },
	} {
		var xys plotter.XYs
		for _, st := range s.intervals {
			xys = append(xys, plotter.XY{X: st.T, Y: pick(st) / 1e6})
		}
		xys = chart.Positive(xys)
		if line, pts, err := plotter.NewLinePoints(xys); err == nil && len(xys) > 0 {
			styleTimeline(line, i)
			pts.Color, pts.Shape = line.Color, plotutil.Shape(i)
			p.Add(line, pts)
		}
		all = append(all, xys)
	}
	lo, hi := chart.YBounds(all...)
	chart.LogAxis(&p.Y, lo, hi)
	addGlyphs(p, gcMarks(s, lo), color.Black, draw.PyramidGlyph{}, 3)
	first, last := s.intervals[0].T, s.intervals[len(s.intervals)-1].T
	pad := max(first, 0.05)
	p.X.Min, p.X.Max = 0, last+pad
	return p
}

func styleTimeline(l *plotter.Line, i int) {
	l.Color, l.Width = chart.SeriesColor(i), vg.Points(1.5)
	if i == 1 {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
}

// gcMarks are the times (s into the measured window) of the runtime
// samples that show a GC stall of a millisecond or more, at height y.
func gcMarks(s *serverData, y float64) plotter.XYs {
	var xys plotter.XYs
	var warmupMS float64
	if len(s.rounds) > 0 {
		warmupMS = s.rounds[0].WarmupS * 1000
	}
	for _, tr := range s.runtime {
		for _, rs := range tr.Samples {
			stalled := rs.GCPauseMax >= 1e6 || rs.SchedLatMax >= 1e6
			if t := (rs.AtMS - warmupMS - tr.IntervalMS/2) / 1000; rs.GCCycles > 0 && stalled && t >= 0 {
				xys = append(xys, plotter.XY{X: t, Y: y})
			}
		}
	}
	return xys
}
