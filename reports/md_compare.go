package reports

import (
	"fmt"
	"slices"

	"latencylab/reports/markdown"
)

// compareMarkdown is the comparison document; links are relative to its
// output folder.
func compareMarkdown(a, b Target, pairs []pairCmp, chart chartRef) string {
	var m markdown.Doc
	m.H1("latencylab compare")
	m.Para("A = `%s`, B = `%s`. Per-round samples, medians ± the %.0f%% confidence interval, Mann-Whitney U test at α = %.2f (golang.org/x/perf/benchmath, as benchstat); \"~\" means no significant difference.",
		a, b, 100*compareConfidence, 0.05)
	var warns []string
	for _, p := range pairs {
		warns = append(warns, writePair(&m, p)...)
	}
	m.H2("Percentile spectrum")
	if chart.name == "" {
		m.Para("_%s_", chart.note)
	} else {
		m.Image(chart.alt, chart.name)
	}
	if len(warns) > 0 {
		m.H2("Statistical notes")
		slices.Sort(warns)
		m.Bullets(slices.Compact(warns))
	}
	return m.String()
}

// writePair writes one server pair and returns benchmath's warnings.
func writePair(m *markdown.Doc, p pairCmp) []string {
	m.H2(fmt.Sprintf("%s → %s", p.la, p.lb))
	if p.note != "" {
		m.Para("_No comparison: %s._", p.note)
	}
	var warns []string
	var rows [][]string
	for _, r := range p.metrics {
		rows = append(rows, []string{r.metric.name, r.summary(r.a), r.summary(r.b), r.delta(), r.cmp.String()})
		warns = append(warns, r.warnings()...)
	}
	if len(rows) > 0 {
		m.Table([]string{"metric", "A", "B", "delta", "test"}, "lrrrl", rows)
	}
	writeCosts(m, p)
	if p.diff == nil {
		m.Para("_No profile diff: %s._", p.diffNote)
		return warns
	}
	m.Para("Why — top CPU profile changes A → B: [diff flame graph](%s), [diff profile](%s) (`go tool pprof -http=: %s`):",
		p.diff.HTML, p.diff.Profile, p.diff.Profile)
	m.Raw(p.diff.Table.Markdown())
	return warns
}

// writeCosts shows per-request costs: one value per run, so no test.
func writeCosts(m *markdown.Doc, p pairCmp) {
	ca, cb := p.a.perRequest(), p.b.perRequest()
	var rows [][]string
	for _, c := range []struct {
		name string
		x, y *float64
	}{{"allocs/req", ca.allocs, cb.allocs}, {"syscalls/req", ca.syscallTotal(), cb.syscallTotal()}, {"CPU µs/req", ca.cpuUS, cb.cpuUS}} {
		if c.x == nil && c.y == nil {
			continue
		}
		change := "—"
		if c.x != nil && c.y != nil {
			change = fmtChange(*c.x, *c.y)
		}
		rows = append(rows, []string{c.name, fmtPtr(c.x, fmtNum), fmtPtr(c.y, fmtNum), change})
	}
	if len(rows) == 0 {
		return
	}
	m.Para("Per-request costs (one value per run, no significance test):")
	m.Table([]string{"cost", "A", "B", "change"}, "lrrr", rows)
}
