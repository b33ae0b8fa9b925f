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

var hockeyChart = reportChart{
	title: "latency against throughput",
	intro: "Each server's sweep: p99 latency (solid) and p50 (faint, dashed) against the throughput it achieved, " +
		"log latency axis. The horizontal line is the SLO; a star marks each server's knee (capacity at the SLO). " +
		"Crosses are saturated points (the server fell behind or its queue grew through the trial): their latency is a queue's, " +
		"so they are drawn apart and not joined to the curve. No asymptote is fitted.",
	absent: "this run has no sweep (lab bench --scenario sweep)",
	build:  func(rd *runData) (chart.Figure, bool) { return hockeyFigure(rd) },
}

var capacityChart = reportChart{
	title: "capacity at SLO",
	intro: "Capacity at the SLO per server, ladder order, references beside: the median of the rounds' knees, " +
		"with its interval (95% CI from 6 rounds; the range of the rounds below that).",
	absent: "this run has no sweep (lab bench --scenario sweep)",
	build:  func(rd *runData) (chart.Figure, bool) { return capacityFigure(rd) },
}

// swept lists the servers with a curve, in run order.
func swept(rd *runData) []*serverData {
	var out []*serverData
	for _, s := range rd.servers {
		if !s.Failed && len(s.Curve) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func hockeyFigure(rd *runData) (chart.Figure, bool) {
	servers := swept(rd)
	if len(servers) == 0 || rd.run.Scenario.Sweep == nil {
		return chart.Figure{}, false
	}
	slo := rd.run.Scenario.Sweep
	return chart.Figure{Name: "hockey", Alt: "latency against achieved throughput per server, with the SLO and each knee",
		W: chart.Width, H: chart.Height, Draw: func(dc draw.Canvas) { drawHockey(dc, servers, slo) }}, true
}

func drawHockey(dc draw.Canvas, servers []*serverData, slo *rundir.Sweep) {
	p := chart.NewPlot("Latency against throughput (sweep)", "achieved throughput (requests/s)", "latency (ms, log scale)")
	leg := chart.NewLegend()
	var all []plotter.XYs
	for i, s := range servers {
		p99, p50, sat := curveSeries(s.Curve)
		chart.AddLinePoints(p, &leg, s.Name+" p99", p99, i, false)
		addFaint(p, p50, i)
		addGlyphs(p, sat, chart.SeriesColor(i), draw.CrossGlyph{}, 4)
		if k, ok := kneePoint(s); ok {
			addGlyphs(p, plotter.XYs{k}, chart.SeriesColor(i), draw.PyramidGlyph{}, 6)
		}
		all = append(all, p99, p50, sat)
	}
	lo, hi := chart.YBounds(all...)
	lo, hi = min(lo, slo.SLOThresholdNS/1e6), max(hi, slo.SLOThresholdNS/1e6)
	if line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: slo.SLOThresholdNS / 1e6}, {X: maxX(all), Y: slo.SLOThresholdNS / 1e6}}); err == nil {
		line.Color, line.Width, line.Dashes = color.Black, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(line)
		leg.Add("SLO "+slo.SLO, line)
	}
	chart.LogAxis(&p.Y, lo, hi)
	p.X.Min = 0
	chart.DrawBeside(dc, leg, p.Draw)
}

// curveSeries splits a curve into p99 and p50 lines of the points that
// kept up, and the saturated points' p99, all in ms against achieved.
func curveSeries(curve []rundir.CurvePoint) (p99, p50, saturated plotter.XYs) {
	for _, cp := range curve {
		if cp.P99 <= 0 {
			continue
		}
		if cp.Saturated {
			saturated = append(saturated, plotter.XY{X: cp.Achieved, Y: cp.P99 / 1e6})
			continue
		}
		p99 = append(p99, plotter.XY{X: cp.Achieved, Y: cp.P99 / 1e6})
		p50 = append(p50, plotter.XY{X: cp.Achieved, Y: max(cp.P50, 1) / 1e6})
	}
	return p99, p50, saturated
}

// kneePoint is where the knee sits on the p99 curve: the point at the
// capacity's offered rate, or the nearest below it.
func kneePoint(s *serverData) (plotter.XY, bool) {
	c := s.CapacityAtSLO
	if c == nil || !c.Found {
		return plotter.XY{}, false
	}
	var best *rundir.CurvePoint
	for i := range s.Curve {
		cp := &s.Curve[i]
		if cp.Offered <= c.Center*1.0001 && !cp.Saturated && (best == nil || cp.Offered > best.Offered) {
			best = cp
		}
	}
	if best == nil {
		return plotter.XY{}, false
	}
	return plotter.XY{X: best.Achieved, Y: best.P99 / 1e6}, true
}

func addFaint(p *plot.Plot, xys plotter.XYs, i int) {
	if len(xys) == 0 {
		return
	}
	line, err := plotter.NewLine(xys)
	if err != nil {
		return
	}
	r, g, b, _ := chart.SeriesColor(i).RGBA() // the palette is opaque: these are the plain components
	line.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x80}
	line.Width, line.Dashes = vg.Points(1), []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(line)
}

func addGlyphs(p *plot.Plot, xys plotter.XYs, c color.Color, shape draw.GlyphDrawer, radius float64) {
	if len(xys) == 0 {
		return
	}
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return
	}
	sc.Color, sc.Shape, sc.Radius = c, shape, vg.Points(radius)
	p.Add(sc)
}

func maxX(series []plotter.XYs) float64 {
	var m float64
	for _, xys := range series {
		for _, xy := range xys {
			m = max(m, xy.X)
		}
	}
	return m
}

func capacityFigure(rd *runData) (chart.Figure, bool) {
	var shown []*serverData
	for _, s := range swept(rd) {
		if s.CapacityAtSLO != nil {
			shown = append(shown, s)
		}
	}
	if len(shown) == 0 {
		return chart.Figure{}, false
	}
	slo := rd.run.Scenario.Sweep.SLO
	return chart.Figure{Name: "capacity", Alt: "capacity at SLO per server with intervals",
		W: chart.Width, H: chart.Height, Draw: func(dc draw.Canvas) { drawCapacity(dc, shown, slo) }}, true
}

func drawCapacity(dc draw.Canvas, servers []*serverData, slo string) {
	p := chart.NewPlot("Capacity at SLO ("+slo+")", "server", "requests/s within the SLO")
	leg := chart.NewLegend()
	names, est := addKindBars(p, &leg, servers, func(s *serverData) rundir.Estimate { return s.CapacityAtSLO.Estimate })
	addRangeBars(p, est)
	chart.NominalX(p, names)
	chart.RotateX(p)
	p.Y.Min, p.Y.Max = 0, 1.08*maxHi(est)
	chart.DrawBeside(dc, leg, p.Draw)
}

// addRangeBars draws each estimate's interval, whatever its kind (a CI
// or the range of the rounds: the table says which).
func addRangeBars(p *plot.Plot, est []rundir.Estimate) {
	var bars ciBars
	for i, e := range est {
		if e.Center <= 0 || e.Hi < e.Lo {
			continue
		}
		bars.XYs = append(bars.XYs, plotter.XY{X: float64(i), Y: e.Center})
		bars.errs = append(bars.errs, struct{ Low, High float64 }{e.Center - e.Lo, e.Hi - e.Center})
	}
	if len(bars.XYs) == 0 {
		return
	}
	if eb, err := plotter.NewYErrorBars(bars); err == nil {
		eb.Color = color.Gray{Y: 40}
		p.Add(eb)
	}
}
