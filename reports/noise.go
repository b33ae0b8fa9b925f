package reports

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"

	"latencylab/harness/rundir"
	"latencylab/reports/markdown"
)

// noiseMetric is one metric of an A/A run: the same server measured as
// two entries, side by side.
type noiseMetric struct {
	name string
	cmp  metricResult
	diff float64 // |B − A| / A of the medians
	// detect is the smallest relative shift the U test would call
	// significant given these rounds' spread: each side against itself
	// shifted, the larger of the two; 0 when none up to detectMax is
	// (too few rounds).
	detect float64
}

// detectStep and detectMax bound the search for the smallest detectable
// difference.
const (
	detectStep = 0.0025
	detectMax  = 1.0
)

// aaPair finds an A/A run's two entries.
func aaPair(rd *runData) (a, b *serverData, ok bool) {
	name := rd.run.Scenario.AA
	if name == "" {
		return nil, nil, false
	}
	a, b = rd.server(name), rd.server(rundir.AAName(name))
	return a, b, a != nil && b != nil
}

// noiseMetrics measures the noise floor of an A/A run, per metric.
func noiseMetrics(a, b *serverData) []noiseMetric {
	var out []noiseMetric
	add := func(m roundMetric, va, vb []float64) {
		if len(va) == 0 || len(vb) == 0 {
			return
		}
		r := compareValues(m, va, vb)
		nm := noiseMetric{name: m.name, cmp: r, detect: max(smallestDetectable(va), smallestDetectable(vb))}
		if nm.detect > 0 && (smallestDetectable(va) == 0 || smallestDetectable(vb) == 0) {
			nm.detect = 0
		}
		if r.a.Center != 0 {
			nm.diff = math.Abs(r.b.Center-r.a.Center) / math.Abs(r.a.Center)
		}
		out = append(out, nm)
	}
	if ca, cb := a.CapacityAtSLO, b.CapacityAtSLO; ca != nil && cb != nil {
		add(capacityMetric, ca.Rounds, cb.Rounds)
	}
	for _, m := range roundMetrics {
		add(m, values(m, a.rounds), values(m, b.rounds))
	}
	return out
}

// smallestDetectable scales a sample by 1+δ for growing δ until the U
// test tells the shifted copy from the original.
func smallestDetectable(vs []float64) float64 {
	sa := benchmath.NewSample(vs, &benchmath.DefaultThresholds)
	for d := detectStep; d <= detectMax+1e-9; d += detectStep {
		shifted := make([]float64, len(vs))
		for i, v := range vs {
			shifted[i] = v * (1 + d)
		}
		c := benchmath.AssumeNothing.Compare(sa, benchmath.NewSample(shifted, &benchmath.DefaultThresholds))
		if c.P < c.Alpha {
			return d
		}
	}
	return 0
}

// NoiseFloor reads an A/A run (lab bench --aa) and returns each metric's
// floor: the relative difference between the two identical entries.
// lab compare --noise uses it.
func NoiseFloor(runDir string) (map[string]float64, error) {
	rd, err := loadRun(runDir)
	if err != nil {
		return nil, err
	}
	a, b, ok := aaPair(rd)
	if !ok {
		return nil, fmt.Errorf("reports: %s is not an A/A run (lab bench --aa SERVER)", runDir)
	}
	floor := map[string]float64{}
	for _, nm := range noiseMetrics(a, b) {
		floor[nm.name] = nm.diff
	}
	return floor, nil
}

// applyFloor gives each compared metric its noise floor.
func applyFloor(pairs []pairCmp, floor map[string]float64) {
	for i := range pairs {
		for j := range pairs[i].metrics {
			pairs[i].metrics[j].floor = floor[pairs[i].metrics[j].metric.name]
		}
	}
}

// writeNoise is the noise-floor section of an A/A run.
func writeNoise(m *markdown.Doc, rd *runData) {
	a, b, ok := aaPair(rd)
	if !ok {
		return
	}
	m.H2("Noise floor (A/A)")
	m.Para("The same server, %s, ran as two entries (%s and %s), interleaved like any two servers: whatever differs between them "+
		"is the lab's own noise on this machine. _A/A difference_ is between their medians; _smallest significant_ is the least "+
		"relative change the Mann-Whitney U test (α = 0.05) would call significant given these rounds' spread (each entry against "+
		"itself shifted; the larger of the two). A significant A/A difference is a false positive: the test's α at work, or drift. `lab compare --noise %s` reports a difference below the A/A difference as within noise.",
		a.Name, a.Name, b.Name, runLabel(rd.dir))
	var rows [][]string
	for _, nm := range noiseMetrics(a, b) {
		detect := "none up to 100% (too few rounds)"
		if nm.detect > 0 {
			detect = fmt.Sprintf("%.2f%%", 100*nm.detect)
		}
		rows = append(rows, []string{nm.name, nm.cmp.summary(nm.cmp.a), nm.cmp.summary(nm.cmp.b),
			fmt.Sprintf("%.2f%%", 100*nm.diff), fmt.Sprintf("p=%.3f", nm.cmp.cmp.P), detect})
	}
	m.Table([]string{"metric", a.Name, b.Name, "A/A difference", "U test", "smallest significant"}, "lrrrrr", rows)
}
