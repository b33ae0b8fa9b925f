package reports

import (
	"fmt"
	"strings"

	"latencylab/harness/rundir"
	"latencylab/reports/markdown"
)

// writeCapacity is a sweep run's main table: capacity at the SLO per
// server, each stage against the one before it, then every curve.
func writeCapacity(m *markdown.Doc, rd *runData) {
	sw := rd.run.Scenario.Sweep
	m.H2("Capacity at SLO")
	servers := swept(rd)
	if len(servers) == 0 {
		m.Para("_No server produced a curve._")
		return
	}
	m.Para("The most each server carried while keeping %s (`--slo %s`): the knee of its latency–throughput curve. "+
		"Each server's closed-loop capacity was probed first (best of %d windows of %gs); its open-loop latency was then "+
		"measured at %s of that probe, plus %d bisection steps near the knee, in every round. A round's knee is the "+
		"highest offered rate that met the objective below the rate where its curve breaks (the first failure that the "+
		"next rate confirms); the capacity is the median of the rounds' knees, with %s.",
		sloLabel(sw), sw.SLO, sw.Probes, sw.ProbeS, fractionsText(sw.Fractions), sw.Bisect, intervalText(servers))
	var rows [][]string
	var prev *serverData
	var ratios []string
	for _, s := range servers {
		c := s.CapacityAtSLO
		rows = append(rows, []string{s.Name, s.Kind, fmtRate(s.ProbeRPS), capacityText(c), capacityVs(prev, s)})
		if s.Kind == rundir.KindStage {
			if r := ratioSentence(prev, s, sw); r != "" {
				ratios = append(ratios, r)
			}
			prev = s
		}
	}
	m.Table([]string{"server", "kind", "closed-loop probe", "capacity at SLO", "vs the stage before"}, "llrrr", rows)
	m.Bullets(ratios)
	writeCurves(m, servers)
}

func sloLabel(sw *rundir.Sweep) string {
	p, d, _ := strings.Cut(sw.SLO, "=")
	return "**" + p + " ≤ " + d + "**"
}

func fractionsText(fs []float64) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%g", f))
	}
	return strings.Join(parts, ", ")
}

func intervalText(servers []*serverData) string {
	for _, s := range servers {
		if c := s.CapacityAtSLO; c != nil {
			return "its interval (" + c.Interval + ")"
		}
	}
	return "its interval"
}

func capacityText(c *rundir.Capacity) string {
	switch {
	case c == nil:
		return "—"
	case !c.Found:
		return "none: the lowest rate already failed"
	}
	out := fmt.Sprintf("%s [%s, %s]", fmtRate(c.Center), fmtRate(c.Lo), fmtRate(c.Hi))
	if c.AtLeast {
		out = "≥ " + out + " (met at every rate)"
	}
	return out
}

// capacityVs is s's capacity over the previous stage's.
func capacityVs(prev, s *serverData) string {
	if prev == nil || s.Kind != rundir.KindStage || !hasCapacity(prev) || !hasCapacity(s) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", s.CapacityAtSLO.Center/prev.CapacityAtSLO.Center)
}

func hasCapacity(s *serverData) bool {
	return s != nil && s.CapacityAtSLO != nil && s.CapacityAtSLO.Found && s.CapacityAtSLO.Center > 0
}

func ratioSentence(prev, s *serverData, sw *rundir.Sweep) string {
	if !hasCapacity(prev) || !hasCapacity(s) {
		return ""
	}
	p, d, _ := strings.Cut(sw.SLO, "=")
	return fmt.Sprintf("**%s** carries %.2f× %s at %s ≤ %s (%s against %s).", s.Name,
		s.CapacityAtSLO.Center/prev.CapacityAtSLO.Center, prev.Name, p, d,
		fmtRate(s.CapacityAtSLO.Center), fmtRate(prev.CapacityAtSLO.Center))
}

// writeCurves lists every point of every curve.
func writeCurves(m *markdown.Doc, servers []*serverData) {
	m.H3("The curves")
	m.Para("Medians across rounds at each offered rate. _saturated_: the server fell behind (achieved below 99% of offered, " +
		"or its latency climbed through the trial); _bisect_: a rate chosen near the knee.")
	var rows [][]string
	for _, s := range servers {
		for _, cp := range s.Curve {
			var flags []string
			if cp.MeetsSLO {
				flags = append(flags, "meets SLO")
			}
			if cp.Saturated {
				flags = append(flags, "saturated")
			}
			if cp.Bisect {
				flags = append(flags, "bisect")
			}
			rows = append(rows, []string{s.Name, fmtRate(cp.Offered), fmtRate(cp.Achieved), fmtNS(cp.P50), fmtNS(cp.P99),
				fmtNS(cp.P999), fmtNS(cp.Max), fmt.Sprint(cp.Errors), fmt.Sprint(cp.Rounds), strings.Join(flags, ", ")})
		}
	}
	m.Table([]string{"server", "offered", "achieved", "p50", "p99", "p99.9", "max", "errors", "rounds", ""}, "lrrrrrrrrl", rows)
}
