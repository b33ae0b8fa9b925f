package chart

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// Save writes a PNG of the figure's size at DPI and its SVG twin.
func TestSave(t *testing.T) {
	dir := t.TempDir()
	f := Figure{Name: "line", Alt: "a line", W: Width, H: Height, Draw: func(dc draw.Canvas) {
		p := NewPlot("title", "x (s)", "y (ms)")
		leg := NewLegend()
		AddLine(p, &leg, "series", plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 4}}, 0, false)
		DrawBeside(dc, leg, p.Draw)
	}}
	names, err := f.Save(dir)
	if err != nil || strings.Join(names, ",") != "line.png,line.svg" {
		t.Fatalf("Save: %v %v", names, err)
	}
	r, err := os.Open(filepath.Join(dir, "line.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != Pixels(Width) || b.Dy() != Pixels(Height) {
		t.Errorf("PNG %v, want %dx%d", b, Pixels(Width), Pixels(Height))
	}
}

// A chart gonum cannot draw is an error, not a crash of the report.
func TestSaveSurvivesAPanic(t *testing.T) {
	f := Figure{Name: "bad", W: Width, H: Height, Draw: func(draw.Canvas) { panic("no room") }}
	if _, err := f.Save(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no room") {
		t.Fatalf("err %v", err)
	}
}
