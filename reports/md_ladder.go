package reports

import (
	"fmt"
	"slices"
	"strconv"

	"latencylab/reports/markdown"
)

// ladderHead is the column set of the ladder and reference tables.
var ladderHead = []string{"server", "rounds", "throughput", "mean", "p50", "p99", "p99.9", "max",
	"allocs/req", "syscalls/req", "CPU µs/req"}

// writeServers writes one table row per server: medians across rounds
// with their confidence intervals, then the per-request costs.
func writeServers(m *markdown.Doc, title, intro string, servers []*serverData) {
	m.H2(title)
	if len(servers) == 0 {
		m.Para("_None in this run._")
		return
	}
	m.Para("%s", intro)
	var rows [][]string
	var notes []string
	for _, s := range servers {
		rows = append(rows, serverRow(s))
		for _, n := range s.notes {
			notes = append(notes, fmt.Sprintf("**%s**: %s", s.Name, n))
		}
	}
	m.Table(ladderHead, "lrrrrrrrrrr", rows)
	m.Bullets(notes)
}

func serverRow(s *serverData) []string {
	if s.Failed {
		row := []string{s.Name, "—", "failed: " + orDash(s.FailReason)}
		return append(row, slices.Repeat([]string{"—"}, len(ladderHead)-3)...)
	}
	pr := s.perRequest()
	row := []string{s.Name, strconv.Itoa(s.Rounds), fmtEst(s.Throughput, fmtRate)}
	for _, q := range []string{"mean", "p50", "p99", "p999", "max"} {
		row = append(row, fmtEst(s.Latency[q], fmtNS))
	}
	return append(row, fmtPtr(pr.allocs, fmtNum), fmtPtr(pr.syscallTotal(), fmtNum), fmtPtr(pr.cpuUS, fmtNum))
}

const ladderIntro = "Medians across rounds, with their 95% confidence intervals in brackets " +
	"(golang.org/x/perf/benchmath; fewer than 6 rounds give none). Latency is from the intended " +
	"send time. Allocations and syscalls per request come from the server's own counters, CPU time " +
	"from rusage."
