package reports

import (
	"fmt"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
	"latencylab/reports/markdown"
)

// soakIntro explains the soak table.
var soakIntro = fmt.Sprintf("Did anything grow while the server was held at a steady load? The bench sampled each server's resident set "+
	"(/proc/<pid>/status), open fds (/proc/<pid>/fd), goroutines (its control endpoint's /runtime) and /stats over the trial. "+
	"The settling-in at the start is not judged. After it, a resource is **flat** when the mean of the samples' second half exceeds "+
	"the first half's by no more than its allowance: RSS %.0f%% or %d MiB, fds %d, goroutines %d. _Per minute_ is the least-squares "+
	"slope over the same samples, for the reader: a sawtooth of the collector has one too. The soak passes when every resource is flat "+
	"and no request failed.", 100*runstats.SoakRSSShare, runstats.SoakRSSFloor>>20, runstats.SoakFDs, runstats.SoakGoroutines)

// writeSoak is the soak table, when the run is a soak.
func writeSoak(m *markdown.Doc, rd *runData) {
	var rows [][]string
	for _, s := range rd.servers {
		if v := s.Soak; v != nil {
			rows = append(rows, soakRows(s.Name, *v)...)
		}
	}
	if len(rows) == 0 {
		return
	}
	m.H2("Soak")
	m.Para("%s", soakIntro)
	m.Table([]string{"server", "resource", "first", "last", "min–max", "second half's growth", "allowed", "per minute", "verdict"},
		"llrrrrrrl", rows)
}

func soakRows(name string, v rundir.SoakVerdict) [][]string {
	mib := func(x float64) string { return fmt.Sprintf("%.1f MiB", x/(1<<20)) }
	count := func(x float64) string { return fmt.Sprintf("%.0f", x) }
	var rows [][]string
	for _, r := range []struct {
		what string
		t    rundir.ResourceTrend
		f    func(float64) string
	}{{"RSS", v.RSS, mib}, {"fds", v.FDs, count}, {"goroutines", v.Goroutines, count}} {
		if !r.t.Known {
			rows = append(rows, []string{name, r.what, "—", "—", "—", "—", "—", "—", "not sampled"})
			continue
		}
		verdict := "flat"
		if !r.t.Flat {
			verdict = "**grew**"
		}
		rows = append(rows, []string{name, r.what, r.f(r.t.First), r.f(r.t.Last), r.f(r.t.Min) + "–" + r.f(r.t.Max),
			signed(r.f, r.t.Growth), r.f(r.t.Tolerance), signed(r.f, r.t.PerMinute), verdict})
	}
	overall := "**passed**"
	if !v.Passed {
		overall = "**failed**"
	}
	errs := "unknown"
	if v.Errors >= 0 {
		errs = fmt.Sprint(v.Errors)
	}
	rows = append(rows, []string{name, "errors", "", "", "", "", "0", "", fmt.Sprintf("%s: %s errors, %d samples after %.0f s of settling-in",
		overall, errs, v.Samples, v.SettleS)})
	return rows
}

// signed writes a change with its sign.
func signed(f func(float64) string, x float64) string {
	if x >= 0 {
		return "+" + f(x)
	}
	return f(x)
}
