package reports

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// Noise thresholds (CONTRACTS.md §6.5: noisy runs are flagged, not hidden).
const (
	noisyCIWidth = 0.10 // CI wider than 10% of the median
)

// warning is one reason to suspect a server's numbers, with the rounds
// it was seen in (none: it concerns the whole run of the server).
type warning struct {
	server, kind, detail string
	rounds               []int
	// top: it changes how a reader should take the numbers (the
	// generator measured itself, requests failed, rounds are missing),
	// so the report says it before the tables; the rest (a wide interval
	// on a latency percentile, expected at a light open-loop rate) after.
	top bool
}

func (w warning) String() string {
	where := ""
	switch len(w.rounds) {
	case 0:
	case 1:
		where = fmt.Sprintf(" (round %d)", w.rounds[0])
	default:
		// The detail's figures are the first round's.
		where = fmt.Sprintf(" (rounds %s; as in round %d)", roundList(w.rounds), w.rounds[0])
	}
	if w.detail == "" {
		return fmt.Sprintf("**%s**: %s%s", w.server, w.kind, where)
	}
	return fmt.Sprintf("**%s**: %s%s: %s", w.server, w.kind, where, w.detail)
}

// warnings lists why the run's numbers deserve suspicion, grouped: one
// line per server and kind, with its rounds. top is what changes how the
// numbers read; rest is the other warnings.
func warnings(rd *runData) (top, rest []string) {
	if n := withoutCI(rd); n > 0 {
		top = append(top, fmt.Sprintf("%d server(s) have too few rounds for a confidence interval "+
			"(benchmath needs %d at %.0f%%): their noise cannot be judged, run more rounds", n, runstats.MinRoundsForCI, 100*runstats.Confidence))
	}
	for _, s := range rd.servers {
		if !s.usable() {
			continue
		}
		for _, w := range serverWarnings(s, rd.run.Scenario.Rounds) {
			if w.top {
				top = append(top, w.String())
			} else {
				rest = append(rest, w.String())
			}
		}
	}
	return top, rest
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

// serverWarnings lists what makes a server's numbers suspect, one entry
// per kind. Whether the generator fell behind is the generator's own
// judgement (its pacer lag: the part of send lag it caused), carried in
// the round warnings; send lag alone also counts requests that waited
// behind a server that fell behind. The bench copies round warnings into
// run.json and the rounds carry them too, so each kind is listed once.
func serverWarnings(s *serverData, wantRounds int) []warning {
	out := noisyEstimates(s)
	if wantRounds > 0 && s.Rounds < wantRounds {
		out = append(out, warning{server: s.Name, kind: fmt.Sprintf("only %d of %d rounds produced a result", s.Rounds, wantRounds), top: true})
	}
	for _, w := range s.Warnings {
		if !isRoundCopy(w, s.rounds) {
			out = append(out, warning{server: s.Name, kind: w, top: true})
		}
	}
	for i, lr := range s.rounds {
		out = append(out, roundWarnings(s.Name, s.roundKs[i], lr)...)
	}
	return groupWarnings(out)
}

// isRoundCopy reports whether a server warning repeats a round's own.
func isRoundCopy(w string, rounds []*rundir.LoadResult) bool {
	for _, lr := range rounds {
		for _, rw := range lr.Warnings {
			if strings.HasSuffix(w, rw) {
				return true
			}
		}
	}
	return false
}

// groupWarnings merges the warnings of one kind, keeping the first one's
// detail and every round, in the order the kinds first appear.
func groupWarnings(ws []warning) []warning {
	var out []warning
	for _, w := range ws {
		i := slices.IndexFunc(out, func(o warning) bool { return o.kind == w.kind })
		switch {
		case i < 0:
			out = append(out, w)
		case len(w.rounds) == 0 && w.detail != out[i].detail:
			out[i].detail += "; " + w.detail // per-round figures, such as error counts
		default:
			out[i].rounds = append(out[i].rounds, w.rounds...)
		}
	}
	for i := range out {
		out[i].rounds = slices.Compact(out[i].rounds) // in round order already: rounds are read in order
	}
	return out
}

// roundList writes rounds as ranges: 1–3, 5.
func roundList(ks []int) string {
	var parts []string
	for i := 0; i < len(ks); {
		j := i
		for j+1 < len(ks) && ks[j+1] == ks[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", ks[i], ks[j]))
		} else {
			parts = append(parts, strconv.Itoa(ks[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// noisyEstimates flags the headline estimates whose CI is too wide.
func noisyEstimates(s *serverData) []warning {
	var out []warning
	check := func(what string, e rundir.Estimate, f func(float64) string) {
		if w := ciWidth(e); w > noisyCIWidth {
			out = append(out, warning{server: s.Name, kind: "noisy " + what,
				detail: fmt.Sprintf("CI %s wide (%.0f%% of the median %s)", f(e.Hi-e.Lo), 100*w, f(e.Center)),
				top:    what == "throughput"})
		}
	}
	check("throughput", s.Throughput, fmtRate)
	for _, q := range []string{"p50", "p99"} {
		check("latency "+q, s.Latency[q], fmtNS)
	}
	return out
}

// roundWarnings repeats what the generator said about one round, each
// of the kind its text names before the first colon, and counts its
// errors.
func roundWarnings(server string, k int, lr *rundir.LoadResult) []warning {
	var out []warning
	for _, w := range lr.Warnings {
		kind, detail, _ := strings.Cut(w, ": ")
		out = append(out, warning{server: server, kind: kind, detail: detail, rounds: []int{k}, top: true})
	}
	var total int64
	for _, n := range lr.Errors {
		total += n
	}
	if total > 0 {
		out = append(out, warning{server: server, kind: "errors", top: true,
			detail: fmt.Sprintf("round %d: %d %v", k, total, sortedCounts(lr.Errors))})
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
