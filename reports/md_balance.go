package reports

import (
	"fmt"
	"strings"

	"latencylab/reports/markdown"
)

// balanceIntro explains the balance table.
const balanceIntro = "Servers of several reactors: how each strategy spread the connections. " +
	"**Imbalance** is the largest reactor's open connections over the mean reactor's, sampled from /stats at the " +
	"scenario's interval (`sample`, 100 ms in `balance`) during the measured rounds and averaged (1 is even; N is everything on one of N reactors): " +
	"median across rounds, CI in brackets. The per-reactor columns count the measured rounds, warm-ups included " +
	"(stats-after minus stats-before); the connections include the background churn. When the reactors outnumber " +
	"the server's CPUs, the kernel time-slices them fairly, so a reactor holding more connections gives each of them less " +
	"service: imbalance shows in the latency columns."

// writeBalance is the balance table, when the run has servers of
// several reactors.
func writeBalance(m *markdown.Doc, rd *runData) {
	servers := multiReactor(rd.servers)
	if len(servers) == 0 {
		return
	}
	m.H2("Balance across reactors")
	m.Para("%s", balanceIntro)
	var rows [][]string
	for _, s := range servers {
		imb := "—"
		if s.Imbalance != nil {
			imb = fmtEst(*s.Imbalance, func(v float64) string { return fmt.Sprintf("%.2f", v) })
		}
		var acc, req []string
		for k := range s.Reactors {
			acc = append(acc, fmt.Sprint(s.Reactors[k].Accepted))
			req = append(req, fmt.Sprintf("%.0f%%", 100*requestShare(s.Reactors, k)))
		}
		rows = append(rows, []string{s.Name, orDash(s.Balance), imb, strings.Join(acc, " / "), strings.Join(req, " / "),
			fmtEst(s.Latency["p50"], fmtNS), fmtEst(s.Latency["p99"], fmtNS)})
	}
	m.Table([]string{"server", "balance", "imbalance", "connections per reactor", "requests per reactor", "p50", "p99"},
		"lllllrr", rows)
}
