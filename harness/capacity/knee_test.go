package capacity

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var p99ms = SLO{Percentile: "p99", Threshold: time.Millisecond}

// hockeyStick is a server of capacity c: latency grows like 1/(1-ρ)
// (M/M/1) from base, and achieved throughput tops out at c.
func hockeyStick(c, base float64, rates []float64, noise func() float64) []Point {
	var ps []Point
	for _, r := range rates {
		rho := r / c
		lat := math.Inf(1)
		if rho < 1 {
			lat = base / (1 - rho)
		}
		ps = append(ps, Point{Offered: r, Achieved: min(r, c) * noise(), Latency: lat * noise()})
	}
	return ps
}

func fractions(probe float64, fs ...float64) []float64 {
	var out []float64
	for _, f := range fs {
		out = append(out, f*probe)
	}
	return out
}

var ladderFractions = []float64{0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1}

func exact() float64 { return 1 }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6*b }

func TestKneeOfAMonotoneCurve(t *testing.T) {
	// base 90 µs: p99 is 0.9 ms at ρ = 0.9 and 1.8 ms at 0.95, so 90k of
	// 100k meets the SLO and 95k does not.
	ps := hockeyStick(100_000, 90_000, fractions(100_000, ladderFractions...), exact)
	k := FindKnee(ps, p99ms)
	if !k.Found || k.AtLeast || !near(k.Rate, 90_000) || !near(k.Above, 95_000) {
		t.Fatalf("knee %+v, want 90000 below 95000", k)
	}
	// Bisection narrows it: halfway, 92.5k.
	rate, ok := NextProbe(ps, p99ms)
	if !ok || !near(rate, 92_500) {
		t.Fatalf("next probe %v %v, want 92500", rate, ok)
	}
}

func TestKneeOfANoisyCurve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func() float64 { return 1 + 0.04*(rng.Float64()-0.5) } // ±2%
	ps := hockeyStick(100_000, 90_000, fractions(100_000, ladderFractions...), noise)
	// A spike fails one point below the knee: noise, not the knee.
	ps[2].Latency = 2_500_000
	k := FindKnee(ps, p99ms)
	if !k.Found || !near(k.Rate, 90_000) || !near(k.Above, 95_000) {
		t.Fatalf("knee %+v, want 90000 below 95000 despite the spike at 60000", k)
	}
	// Past a confirmed break, a lucky pass is not trusted.
	ps = append(ps, Point{Offered: 120_000, Achieved: 120_000, Latency: 500_000})
	if k := FindKnee(ps, p99ms); !near(k.Rate, 90_000) {
		t.Fatalf("knee %+v after a lucky pass above the break, want 90000", k)
	}
	// The same spike at the lowest rate does not hide the curve above it.
	ps[0].Latency = 3_000_000
	if k := FindKnee(ps, p99ms); !near(k.Rate, 90_000) {
		t.Fatalf("knee %+v with a spike at the lowest rate, want 90000", k)
	}
}

func TestKneeWhenTheSLOIsNeverMet(t *testing.T) {
	// (A failing first point followed by a pass is a spike, above; two
	// failures first is a server that never met the objective.)
	// base 2 ms: not even the lightest load meets 1 ms.
	ps := hockeyStick(100_000, 2_000_000, fractions(100_000, ladderFractions...), exact)
	if k := FindKnee(ps, p99ms); k.Found || k.Rate != 0 {
		t.Fatalf("knee %+v, want none", k)
	}
	if _, ok := NextProbe(ps, p99ms); ok {
		t.Fatal("a probe was proposed for a curve with no knee")
	}
}

func TestKneeWhenTheSLOIsAlwaysMet(t *testing.T) {
	// Capacity far above every offered rate: a lower bound only.
	ps := hockeyStick(1_000_000, 10_000, fractions(100_000, ladderFractions...), exact)
	k := FindKnee(ps, p99ms)
	if !k.Found || !k.AtLeast || !near(k.Rate, 110_000) {
		t.Fatalf("knee %+v, want at least 110000", k)
	}
}

func TestSaturatedPointsFail(t *testing.T) {
	// Latency under the SLO but the server fell behind: saturated.
	p := Point{Offered: 100_000, Achieved: 95_000, Latency: 10_000}
	if !p.Saturated() || p.Meets(p99ms) {
		t.Fatalf("%+v: saturated %v, meets %v", p, p.Saturated(), p.Meets(p99ms))
	}
}

func TestParseSLO(t *testing.T) {
	for in, want := range map[string]SLO{
		"p99=1ms":      {"p99", time.Millisecond},
		"p99.9=5ms":    {"p999", 5 * time.Millisecond},
		" P50 = 200µs": {"p50", 200 * time.Microsecond},
	} {
		got, err := ParseSLO(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "p99", "p98=1ms", "p99=0", "p99=-1ms", "p99=fast", "=1ms"} {
		if _, err := ParseSLO(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if s := (SLO{"p999", 5 * time.Millisecond}).Label(); s != "p99.9 ≤ 5ms" {
		t.Errorf("label %q", s)
	}
}

func TestGrowingQueue(t *testing.T) {
	for _, c := range []struct {
		first, second float64
		want          bool
	}{
		{12e6, 37e6, true},   // an open-loop queue at 1.05× capacity: latency climbs
		{32e6, 61e6, true},   // measured: naive at 1.1×, its queue already 17 ms long when the window began
		{30e3, 90e3, false},  // tripled, but microseconds: jitter at light load
		{5e6, 6e6, false},    // level, at a high latency
		{100e3, 1.5e6, true}, // from microseconds into a queue
	} {
		if got := Growing(c.first, c.second); got != c.want {
			t.Errorf("Growing(%v, %v) = %v, want %v", c.first, c.second, got, c.want)
		}
	}
	if p := (Point{Offered: 1000, Achieved: 1000, Latency: 10, Growing: true}); !p.Saturated() || p.Meets(p99ms) {
		t.Error("a growing queue is saturation, whatever its percentile")
	}
}
