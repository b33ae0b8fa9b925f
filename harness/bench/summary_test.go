package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"latencylab/harness/rundir"
)

func TestEstimate(t *testing.T) {
	e, warn := estimate([]float64{5, 1, 4, 2, 3, 6, 7})
	if e.Center != 4 || e.N != 7 || warn != "" || !(e.Lo <= 4 && e.Hi >= 4) || math.IsInf(e.Lo, 0) || math.IsInf(e.Hi, 0) {
		t.Errorf("7 values: %+v %q", e, warn)
	}
	if e.Lo < 1 || e.Hi > 7 {
		t.Errorf("interval %v..%v outside the sample", e.Lo, e.Hi)
	}
	e, warn = estimate([]float64{30, 10, 20})
	if e.Center != 20 || e.Lo != 10 || e.Hi != 30 || !strings.Contains(warn, "too few") {
		t.Errorf("3 values: %+v %q, want the median and the range with a warning", e, warn)
	}
	if e, warn := estimate(nil); e != (rundir.Estimate{}) || warn != "" {
		t.Errorf("no values: %+v %q", e, warn)
	}
}

func TestSummarize(t *testing.T) {
	tr := func(k int, rps, p99 float64) trial {
		return trial{round: k, result: rundir.LoadResult{Requests: 100, WarmupReqs: 10, ThroughputRPS: rps, Latency: rundir.Percentiles{P99: p99}}}
	}
	tg := &target{
		def:    serverDef{name: "nginx", kind: kindReference, nginx: true},
		trials: []trial{tr(1, 10, 300), tr(2, 30, 100), tr(3, 20, 200)},
		cpuOK:  true, cpuBefore: 1, cpuAfter: 1.033,
	}
	s := summarize(tg)
	if s.Rounds != 3 || s.Requests != 300 || s.Throughput.Center != 20 || s.Latency["p99"].Center != 200 {
		t.Errorf("summary %+v", s)
	}
	// No /stats: CPU per request over what the generator completed (330).
	if s.CPUPerRequestUS == nil || math.Abs(*s.CPUPerRequestUS-100) > 1e-6 {
		t.Errorf("cpu/request %v, want 100 µs", s.CPUPerRequestUS)
	}
	if s.AllocsPerRequest != nil || s.SyscallsPerRequest != nil || s.GCCycles != nil {
		t.Errorf("a server without /stats got counters: %+v", s)
	}
}

func TestCountersFromStats(t *testing.T) {
	tg := &target{
		before: &rundir.Stats{RequestsTotal: 1000, HeapAllocs: 5000, GCCycles: 3, Syscalls: map[string]uint64{"read": 10, "write": 10}},
		after:  &rundir.Stats{RequestsTotal: 3000, HeapAllocs: 5100, GCCycles: 4, Syscalls: map[string]uint64{"read": 2010, "write": 4010, "accept4": 2}},
	}
	var s rundir.ServerSummary
	counters(tg, &s)
	if s.AllocsPerRequest == nil || *s.AllocsPerRequest != 0.05 || s.GCCycles == nil || *s.GCCycles != 1 {
		t.Errorf("allocs %v gc %v", s.AllocsPerRequest, s.GCCycles)
	}
	want := map[string]float64{"read": 1, "write": 2, "accept4": 0.001, "total": 3.001}
	for k, v := range want {
		if math.Abs(s.SyscallsPerRequest[k]-v) > 1e-9 {
			t.Errorf("syscalls[%s] = %v, want %v", k, s.SyscallsPerRequest[k], v)
		}
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
