package chart

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// AddLine adds a plain line series, colored by index; dashed lines tell
// a baseline from its comparison.
func AddLine(p *plot.Plot, leg *plot.Legend, label string, xys plotter.XYs, i int, dashed bool) {
	if len(xys) == 0 {
		return
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return
	}
	styleLine(line, i, dashed, vg.Points(7))
	p.Add(line)
	leg.Add(label, line)
}

// styleLine colors series i; a dashed line has dashes of dash.
func styleLine(line *plotter.Line, i int, dashed bool, dash vg.Length) {
	line.Color, line.Width = SeriesColor(i), vg.Points(2)
	if dashed {
		line.Dashes = []vg.Length{dash, vg.Points(3)}
	}
}

// AddLinePoints adds one styled series and its legend entry.
func AddLinePoints(p *plot.Plot, leg *plot.Legend, label string, xys plotter.XYs, i int, dashed bool) {
	if len(xys) == 0 {
		return
	}
	line, pts, err := plotter.NewLinePoints(xys)
	if err != nil {
		return
	}
	styleLine(line, i, dashed, vg.Points(6))
	pts.Color, pts.Shape = SeriesColor(i), plotutil.Shape(i)
	p.Add(line, pts)
	leg.Add(label, line, pts)
}

// palette has a distinct color for each of the dozen servers a default run
// charts (plotutil's seven repeat within one chart).
var palette = []color.Color{
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
	color.RGBA{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, // pink
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, // gray
	color.RGBA{R: 0xbc, G: 0xbd, B: 0x22, A: 0xff}, // olive
	color.RGBA{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff}, // cyan
	color.RGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xff}, // black
	color.RGBA{R: 0xaa, G: 0xaa, B: 0xff, A: 0xff}, // lavender
}

// SeriesColor is the color of series i.
func SeriesColor(i int) color.Color { return palette[i%len(palette)] }
