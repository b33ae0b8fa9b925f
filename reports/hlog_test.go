package reports

import (
	"testing"

	"latencylab/reports/chart"
)

// The merged .hlog histograms hold every measured request of every round,
// and the spectrum is read off them.
func TestHlogMergeAndSpectrum(t *testing.T) {
	runA, _ := fixtures(t)
	rd, err := loadRun(runA)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rd.stages() {
		if s.hist == nil {
			t.Fatalf("%s: no histogram (notes %v)", s.Name, s.notes)
		}
		var reqs int64
		for _, r := range s.rounds {
			reqs += r.Requests
		}
		if got := s.hist.TotalCount(); got != reqs {
			t.Errorf("%s: .hlog holds %d latencies, rounds report %d requests", s.Name, got, reqs)
		}
		checkSpectrum(t, s)
		if len(s.intervals) == 0 {
			t.Errorf("%s: no per-second points", s.Name)
		}
	}
}

func checkSpectrum(t *testing.T, s *serverData) {
	t.Helper()
	pts := spectrum(s.hist)
	if len(pts) < 10 {
		t.Fatalf("%s: %d spectrum points", s.Name, len(pts))
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X <= pts[i-1].X || pts[i].NS < pts[i-1].NS {
			t.Fatalf("%s: spectrum not monotonic at %d: %+v then %+v", s.Name, i, pts[i-1], pts[i])
		}
	}
	last := pts[len(pts)-1]
	if last.NS != float64(s.hist.Max()) || last.X != float64(s.hist.TotalCount()) {
		t.Errorf("%s: spectrum ends at %+v, want the max at x = count", s.Name, last)
	}
	// x = 2 is the median.
	if pts[0].X != 1 || !hasX(pts, 2, float64(s.hist.ValueAtQuantile(50))) {
		t.Errorf("%s: spectrum misses the median", s.Name)
	}
}

func hasX(pts []spectrumPoint, x, ns float64) bool {
	for _, p := range pts {
		if p.X > x*0.999 && p.X < x*1.001 {
			return p.NS == ns
		}
	}
	return false
}

func TestLogTicksLabelInsideDecade(t *testing.T) {
	ticks := chart.LogTicks{}.Ticks(0.3, 0.9)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(labels) != 1 || labels[0] != "0.5" {
		t.Errorf("labels in [0.3, 0.9]: %v", labels)
	}
}
