package reports

import (
	"fmt"
	"maps"
	"slices"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// Noise thresholds (CONTRACTS.md §6.5: noisy runs are flagged, not hidden).
const (
	noisyCIWidth = 0.10 // CI wider than 10% of the median
)

// warnings lists, per server, why its numbers deserve suspicion.
func warnings(rd *runData) []string {
	var out []string
	if n := withoutCI(rd); n > 0 {
		out = append(out, fmt.Sprintf("%d server(s) have too few rounds for a confidence interval "+
			"(benchmath needs %d at %.0f%%): their noise cannot be judged, run more rounds", n, runstats.MinRoundsForCI, 100*runstats.Confidence))
	}
	for _, s := range rd.servers {
		if !s.usable() {
			continue
		}
		for _, w := range serverWarnings(s, rd.run.Scenario.Rounds) {
			out = append(out, fmt.Sprintf("**%s**: %s", s.Name, w))
		}
	}
	return out
}

// withoutCI counts measured servers whose throughput has no interval.
func withoutCI(rd *runData) int {
	n := 0
	for _, s := range rd.servers {
		if s.usable() && !hasCI(s.Throughput) {
			n++
		}
	}
	return n
}

// serverWarnings lists what makes a server's numbers suspect. Whether the
// generator fell behind is the generator's own judgement (its pacer lag:
// the part of send lag it caused), carried in the round warnings; send lag
// alone also counts requests that waited behind a server that fell behind.
// The bench copies round warnings into run.json and the rounds carry them
// too, so each is listed once.
func serverWarnings(s *serverData, wantRounds int) []string {
	out := noisyEstimates(s)
	if wantRounds > 0 && s.Rounds < wantRounds {
		out = append(out, fmt.Sprintf("only %d of %d rounds produced a result", s.Rounds, wantRounds))
	}
	out = append(out, s.Warnings...)
	for i, lr := range s.rounds {
		out = append(out, roundWarnings(s.roundKs[i], lr)...)
	}
	return firstOfEach(out)
}

// firstOfEach drops repeated lines, keeping the first of each in order.
func firstOfEach(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// noisyEstimates flags the headline estimates whose CI is too wide.
func noisyEstimates(s *serverData) []string {
	var out []string
	check := func(what string, e rundir.Estimate, f func(float64) string) {
		if w := ciWidth(e); w > noisyCIWidth {
			out = append(out, fmt.Sprintf("noisy %s: CI %s wide (%.0f%% of the median %s)",
				what, f(e.Hi-e.Lo), 100*w, f(e.Center)))
		}
	}
	check("throughput", s.Throughput, fmtRate)
	for _, q := range []string{"p50", "p99"} {
		check("latency "+q, s.Latency[q], fmtNS)
	}
	return out
}

// roundWarnings repeats what the generator said about one round, and
// counts its errors.
func roundWarnings(k int, lr *rundir.LoadResult) []string {
	var out []string
	for _, w := range lr.Warnings {
		out = append(out, fmt.Sprintf("round %d: %s", k, w))
	}
	var total int64
	for _, n := range lr.Errors {
		total += n
	}
	if total > 0 {
		out = append(out, fmt.Sprintf("round %d: %d errors %v", k, total, sortedCounts(lr.Errors)))
	}
	return out
}

// sortedCounts prints a count map in key order.
func sortedCounts(m map[string]int64) string {
	s := ""
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%s=%d", k, m[k])
	}
	return "(" + s + ")"
}
