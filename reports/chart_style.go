package reports

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// addLine adds a plain line series, colored by index; dashed lines tell
// a baseline from its comparison.
func addLine(p *plot.Plot, leg *plot.Legend, label string, xys plotter.XYs, i int, dashed bool) {
	if len(xys) == 0 {
		return
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return
	}
	line.Color, line.Width = plotutil.Color(i), vg.Points(2)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(7), vg.Points(3)}
	}
	p.Add(line)
	leg.Add(label, line)
}

// addLinePoints adds one styled series and its legend entry.
func addLinePoints(p *plot.Plot, leg *plot.Legend, label string, xys plotter.XYs, i int, dashed bool) {
	if len(xys) == 0 {
		return
	}
	line, pts, err := plotter.NewLinePoints(xys)
	if err != nil {
		return
	}
	line.Color, line.Width = plotutil.Color(i), vg.Points(2)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	}
	pts.Color, pts.Shape = plotutil.Color(i), plotutil.Shape(i)
	p.Add(line, pts)
	leg.Add(label, line, pts)
}
