package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"unicode"

	"latencylab/harness/rundir"
)

// benchLine is one measured trial in Go benchmark format: the name carries
// the server as a /key=value part so that `benchstat -col /server` puts
// servers side by side; the iteration count is the measured requests.
type benchLine struct {
	server string
	round  int
	result rundir.LoadResult
}

// writeBenchTxt writes the configuration header and one line per trial, in
// the order the trials ran.
func writeBenchTxt(w io.Writer, scenario rundir.Scenario, env rundir.Env, lines []benchLine) error {
	var b strings.Builder
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\npkg: latencylab\ncpu: %s\n", runtime.GOOS, runtime.GOARCH, env.CPUModel)
	fmt.Fprintf(&b, "scenario: %s\nmode: %s\nconns: %d\nrate: %.0f\nquick: %t\n", scenario.Name, scenario.Mode, scenario.Conns, scenario.Rate, scenario.Quick)
	name := benchName(scenario.Name)
	for _, l := range lines {
		b.WriteString(formatBenchLine(name, l))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatBenchLine is "BenchmarkX/server=S  N  mean ns/op  rps req/s  …".
// ns/op is the mean latency (from the intended send time in open loop).
func formatBenchLine(name string, l benchLine) string {
	r := l.result
	return fmt.Sprintf("%s/server=%s \t%d\t%.0f ns/op\t%.1f req/s\t%.0f p50-ns\t%.0f p90-ns\t%.0f p99-ns\t%.0f p999-ns\t%.0f max-ns\t%.0f svc-p99-ns\t%d errors\n",
		name, l.server, max(r.Requests, 1), r.Latency.Mean, r.ThroughputRPS,
		r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.P999, r.Latency.Max,
		r.Service.P99, errorCount(&r))
}

// benchName is "Benchmark" + the scenario name in CamelCase ("ladder" →
// "BenchmarkLadder"), the form go test would print.
func benchName(scenario string) string {
	var b strings.Builder
	b.WriteString("Benchmark")
	upper := true
	for _, c := range scenario {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			upper = true
			continue
		}
		if upper {
			c = unicode.ToUpper(c)
			upper = false
		}
		b.WriteRune(c)
	}
	return b.String()
}
