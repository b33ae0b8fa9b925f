package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"latencylab/harness/rundir"
	"latencylab/reports/markdown"
)

// writeEnv: where and how the run was made (CONTRACTS.md §6.7).
func writeEnv(m *markdown.Doc, run *rundir.Run) {
	m.H2("Environment and scenario")
	e := run.Env
	rows := [][]string{
		{"machine", fmt.Sprintf("%s — %s, %d CPUs", orDash(e.Hostname), orDash(e.CPUModel), e.NumCPU)},
		{"kernel", orDash(e.Kernel)},
		{"Go", orDash(e.GoVersion)},
		{"git commit", orDash(e.GitCommit)},
		{"GOGC / GOMAXPROCS (server)", fmt.Sprintf("%s / %d", orDash(e.GOGC), e.GOMAXPROCS)},
		{"CPUs: server / load generator", fmt.Sprintf("%s / %s", orDash(e.ServerCPUs), orDash(e.LoadCPUs))},
	}
	for _, k := range slices.Sorted(maps.Keys(e.Sysctls)) {
		rows = append(rows, []string{"sysctl " + k, e.Sysctls[k]})
	}
	rows = append(rows, []string{"run", fmt.Sprintf("%s → %s (%s)",
		run.Started.Format(time.RFC3339), run.Finished.Format(time.RFC3339), run.Finished.Sub(run.Started).Round(time.Second))})
	m.Table([]string{"", ""}, "ll", rows)
	writeScenario(m, run.Scenario)
}

func writeScenario(m *markdown.Doc, sc rundir.Scenario) {
	rate := "closed loop (as fast as responses come back)"
	if sc.Rate > 0 {
		rate = fmt.Sprintf("open loop at %s, latency from the intended send time", fmtRate(sc.Rate))
	}
	if sc.RateRule != "" {
		rate += " — " + sc.RateRule
	}
	m.Para("**Scenario `%s`**%s. Load: `GET %s`, mode `%s`, %d connections, %s. Warm-up %gs, then %gs measured, %d rounds interleaved across servers%s.",
		sc.Name, prefixed(" — ", strings.TrimSuffix(sc.Description, ".")), orDash(sc.Path), orDash(sc.Mode), sc.Conns, rate,
		sc.WarmupS, sc.DurationS, sc.Rounds, quickNote(sc.Quick))
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func quickNote(q bool) string {
	if q {
		return " (quick run: short windows, wide intervals)"
	}
	return ""
}
