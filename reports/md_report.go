package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"latencylab/harness/rundir"
	"latencylab/reports/markdown"
)

// reportMarkdown assembles REPORT.md. Every link in it is relative to
// the report folder and points at a file the report wrote.
func reportMarkdown(rd *runData, charts []chartRef, flames []flameLink, diffs profileDiffs, notes []string) string {
	var m markdown.Doc
	sc := rd.run.Scenario
	m.H1(fmt.Sprintf("latencylab report — %s, %s", sc.Name, rd.run.Started.UTC().Format(time.DateTime+" MST")))
	writeEnv(&m, rd.run)
	if len(rd.run.Notes) > 0 {
		m.H2("Run notes")
		m.Bullets(rd.run.Notes)
	}
	top, rest := warnings(rd)
	writeWarnings(&m, top, len(rest))
	if sc.Sweep != nil {
		writeCapacity(&m, rd)
	} else {
		writeServers(&m, "The ladder", ladderIntro, rd.stages())
		if v := rd.variants(); len(v) > 0 {
			writeServers(&m, "Variants", variantsIntro(v)+variantRate(sc.VariantRate), v)
		}
		writeServers(&m, "Reference servers", "Same conditions, not part of the ladder.", rd.references())
		if e := rd.externals(); len(e) > 0 {
			writeServers(&m, "Your servers", "Servers the lab did not ship (lab bench --server), under the same load. The bench "+
				"reads their CPU time for the whole process group and records their system profile and kernel counters; they have "+
				"no /stats, so allocations and syscalls per request are —.", e)
		}
	}
	writeBalance(&m, rd)
	writeSoak(&m, rd)
	writeNoise(&m, rd)
	writeTail(&m, rd)
	writeCharts(&m, charts)
	writeSteps(&m, rd, diffs)
	writeSystem(&m, rd, flames, diffs.sysRefs)
	writeFlames(&m, rd, flames)
	if len(rest) > 0 {
		m.H2("Other warnings")
		m.Para("Wide intervals that do not change how the numbers read (a latency percentile at a light open-loop rate varies from round to round), one line per server and kind:")
		m.Bullets(rest)
	}
	if len(notes) > 0 {
		m.H2("Report notes")
		m.Bullets(notes)
	}
	return m.String()
}

// writeWarnings lists, before the tables, what changes how the numbers
// read; the other warnings (rest of them) come at the end.
func writeWarnings(m *markdown.Doc, ws []string, rest int) {
	m.H2("Warnings")
	later := ""
	if rest > 0 {
		later = fmt.Sprintf("%d more, which do not change how the numbers read, are under Other warnings at the end.", rest)
	}
	if len(ws) == 0 {
		m.Para("None that change how the numbers read: the generator kept up, no request failed, and every throughput interval is within %.0f%% of its median. %s",
			100*noisyCIWidth, later)
		return
	}
	m.Para("These numbers deserve suspicion (generator behind or saturated, errors, missing rounds, a throughput interval wider than %.0f%% of the median), one line per server and kind:",
		100*noisyCIWidth)
	m.Bullets(ws)
	if later != "" {
		m.Para("%s", later)
	}
}

// variantsIntro explains the variant rows (stages served with extra
// flags) from their own summaries in run.json.
func variantsIntro(vs []*serverData) string {
	out := "Stages served with extra `lab serve` flags under the same load:"
	for i, v := range vs {
		sep := ";"
		if i == len(vs)-1 {
			sep = "."
		}
		out += fmt.Sprintf(" **%s**, %s%s", v.Name, orDash(v.Summary), sep)
	}
	if slices.ContainsFunc(vs, func(v *serverData) bool { return strings.HasSuffix(v.Name, "-split") }) {
		out += " For the split-write pair, the service time shows whether the body waited for the client's delayed ACK."
	}
	return out
}

// variantRate says at what rate the variants ran, when not the scenario's.
func variantRate(rate *float64) string {
	switch {
	case rate == nil:
		return ""
	case *rate == 0:
		return " They ran in a closed loop (each connection sends its next request when the answer arrives): " +
			"Linux delays an ACK only on a busy request/response connection, so a sparse open loop would hide the stall " +
			"and a dense one would turn it into a queue. Their latency is therefore connections ÷ throughput, not comparable with the open-loop rows."
	}
	return fmt.Sprintf(" They ran at their own open-loop rate of %.0f req/s.", *rate)
}

func writeCharts(m *markdown.Doc, charts []chartRef) {
	m.H2("Charts")
	for _, c := range charts {
		if c.name == "" {
			m.Para("_%s_", c.note)
			continue
		}
		m.Para("%s", c.intro)
		m.Image(c.alt, c.name)
	}
}

func writeFlames(m *markdown.Doc, rd *runData, flames []flameLink) {
	m.H2("Flame graphs")
	if len(flames) == 0 {
		m.Para("_No profiles in this run: no flame graphs._")
		return
	}
	m.Para("From the separate profiling pass (never during measured rounds). Self-contained HTML pages made by pprof's own flame graph view; open them in a browser.")
	byServer := map[string]map[string]string{}
	for _, f := range flames {
		if byServer[f.server] == nil {
			byServer[f.server] = map[string]string{}
		}
		byServer[f.server][f.kind] = fmt.Sprintf("[%s](%s)", f.kind, f.href)
	}
	var rows [][]string
	for _, s := range rd.servers {
		if k := byServer[s.Name]; k != nil {
			rows = append(rows, []string{s.Name, orDash(k["cpu"]), orDash(k["wall"]), orDash(k["sys"])})
		}
	}
	m.Table([]string{"server", "CPU (Go)", "wall clock (Go)", "system (perf, kernel included)"}, "llll", rows)
	var traced []string
	for _, s := range rd.servers {
		if s.profiles[rundir.TraceFile] {
			traced = append(traced, s.Name)
		}
	}
	if len(traced) > 0 {
		m.Para("Execution traces (runtime/trace) of the same window, for %s: `go tool trace %s/<server>/%s` opens one.",
			strings.Join(traced, ", "), runLabel(rd.dir), rundir.TraceFile)
	}
}
