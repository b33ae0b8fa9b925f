package bench

import (
	"bytes"
	"math"
	"testing"

	"golang.org/x/perf/benchfmt"

	"latencylab/harness/rundir"
)

// summarize hands the target's trials and counters to runstats.
func TestSummarizeTarget(t *testing.T) {
	tr := func(k int, rps float64) trial {
		return trial{round: k, result: rundir.LoadResult{Requests: 100, ThroughputRPS: rps}}
	}
	tg := &target{
		def:    serverDef{name: "nginx", kind: rundir.KindReference, nginx: true},
		trials: []trial{tr(1, 10), tr(2, 30), tr(3, 20)},
		cpuOK:  true, cpuBefore: 1, cpuAfter: 1.03,
	}
	s := summarize(tg)
	if s.Name != "nginx" || s.Rounds != 3 || s.Throughput.Center != 20 || s.CPUPerRequestUS == nil {
		t.Errorf("summary %+v", s)
	}
}

func TestBenchTxtParsesAsGoBenchmarks(t *testing.T) {
	lr := rundir.LoadResult{Requests: 12345, ThroughputRPS: 2469.5, Errors: map[string]int64{"read": 2},
		Latency: rundir.Percentiles{Mean: 95e6, P50: 9e7, P90: 1e8, P99: 3e8, P999: 4e8, Max: 5e8}}
	var buf bytes.Buffer
	lines := []benchLine{{server: "naive", round: 1, result: lr}, {server: "stackbuf", round: 1, result: lr}}
	if err := writeBenchTxt(&buf, rundir.Scenario{Name: "ladder", Mode: "keepalive", Conns: 64, Rate: 5000}, rundir.Env{CPUModel: "X"}, lines); err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(buf.Bytes()), "bench.txt")
	var got []*benchfmt.Result
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.Result:
			got = append(got, rec.Clone())
		case *benchfmt.SyntaxError:
			t.Fatalf("syntax error: %v\n%s", rec, buf.String())
		}
	}
	if len(got) != 2 {
		t.Fatalf("%d results, want 2:\n%s", len(got), buf.String())
	}
	res := got[0]
	if string(res.Name) != "Ladder/server=naive" || res.Iters != 12345 || res.GetConfig("scenario") != "ladder" || res.GetConfig("rate") != "5000" {
		t.Errorf("result %s iters %d config %v", res.Name, res.Iters, res.Config)
	}
	// benchfmt tidies ns into sec, in custom units too.
	want := map[string]float64{"sec/op": 0.095, "req/s": 2469.5, "p99-sec": 0.3, "errors": 2}
	for unit, v := range want {
		if got, ok := res.Value(unit); !ok || math.Abs(got-v) > 1e-9 {
			t.Errorf("%s = %v (present %v), want %v", unit, got, ok, v)
		}
	}
}

func TestBenchName(t *testing.T) {
	for in, want := range map[string]string{"ladder": "BenchmarkLadder", "pipeline": "BenchmarkPipeline", "my-scenario_2": "BenchmarkMyScenario2"} {
		if got := benchName(in); got != want {
			t.Errorf("benchName(%q) = %q, want %q", in, got, want)
		}
	}
}
