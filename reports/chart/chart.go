package chart

import (
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart geometry: 10 × 5.5 inches at 128 dpi is 1280 × 704 pixels, wide
// enough for a README and sharp on a laptop screen.
const (
	DPI    = 128
	Width  = 10 * vg.Inch
	Height = 5.5 * vg.Inch
)

// Font sizes, in points, chosen to stay legible when a PNG is shown at
// half size in a markdown viewer.
const (
	TitleSize  = 16
	LabelSize  = 13
	TickSize   = 11
	LegendSize = 12
)

// Figure is one chart: the file name without extension, what it shows
// (the markdown alt text), its size and how to draw it on any canvas.
type Figure struct {
	Name string
	Alt  string
	W, H vg.Length
	Draw func(dc draw.Canvas)
}

// Pixels is the PNG size of a length at DPI.
func Pixels(l vg.Length) int { return int(l.Dots(DPI) + 0.5) }

// Save writes <name>.png and <name>.svg into dir and returns their names.
// gonum panics on data it cannot place (say, a non-positive value on a
// log axis); a report must survive odd data, so that becomes an error.
func (f Figure) Save(dir string) (names []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reports: chart %s: %v", f.Name, r)
		}
	}()
	png := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.W, f.H), vgimg.UseDPI(DPI))}
	svg := vgsvg.New(f.W, f.H)
	out := []struct {
		ext string
		c   interface {
			vg.CanvasSizer
			io.WriterTo
		}
	}{{".png", png}, {".svg", svg}}
	for _, o := range out {
		f.Draw(draw.New(o.c))
		name := f.Name + o.ext
		if err := writeTo(filepath.Join(dir, name), o.c); err != nil {
			return names, err
		}
		names = append(names, name)
	}
	return names, nil
}

func writeTo(path string, w io.WriterTo) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// NewPlot makes a plot with the lab's fonts and both axes labelled; a
// label must name its unit.
func NewPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = TitleSize
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = LabelSize
		a.Tick.Label.Font.Size = TickSize
	}
	p.Add(gridLines())
	return p
}

func NewLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font.Size = LegendSize
	l.Top, l.Left = true, true
	l.Padding = vg.Points(4)
	return l
}

// DrawBeside draws the legend in a column right of the plot, so it can
// never cover data.
func DrawBeside(dc draw.Canvas, leg plot.Legend, drawPlot func(draw.Canvas)) {
	r := leg.Rectangle(dc)
	w := r.Max.X - r.Min.X
	if w == 0 {
		drawPlot(dc)
		return
	}
	const gap = 12
	w += 2 * vg.Points(gap)
	drawPlot(draw.Crop(dc, 0, -w, 0, 0))
	width := dc.Max.X - dc.Min.X
	leg.Draw(draw.Crop(dc, width-w+vg.Points(gap), 0, 0, -vg.Points(2*gap)))
}

// NominalX makes the X axis categories with half a slot of room at
// either end, so the outer bars do not touch the frame.
func NominalX(p *plot.Plot, names []string) {
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	RotateX(p)
}

// RotateX tilts category labels so long server names do not collide.
func RotateX(p *plot.Plot) {
	p.X.Tick.Label.Rotation = 0.5
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

// TextFont is the default font at a size, for annotations.
func TextFont(size font.Length) font.Font { return font.From(plot.DefaultFont, size) }

// gridLines are light enough not to compete with the data.
func gridLines() *plotter.Grid {
	g := plotter.NewGrid()
	g.Horizontal.Color = color.Gray{Y: 220}
	g.Vertical.Color = color.Gray{Y: 235}
	return g
}
