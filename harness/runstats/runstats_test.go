package runstats

import (
	"math"
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

func TestEstimate(t *testing.T) {
	e, warn := Estimate([]float64{5, 1, 4, 2, 3, 6, 7})
	if e.Center != 4 || e.N != 7 || warn != "" || !(e.Lo <= 4 && e.Hi >= 4) || math.IsInf(e.Lo, 0) || math.IsInf(e.Hi, 0) {
		t.Errorf("7 values: %+v %q", e, warn)
	}
	if e.Lo < 1 || e.Hi > 7 {
		t.Errorf("interval %v..%v outside the sample", e.Lo, e.Hi)
	}
	e, warn = Estimate([]float64{30, 10, 20})
	if e.Center != 20 || e.Lo != 10 || e.Hi != 30 || !strings.Contains(warn, "too few") {
		t.Errorf("3 values: %+v %q, want the median and the range with a warning", e, warn)
	}
	if e, warn := Estimate(nil); e != (rundir.Estimate{}) || warn != "" {
		t.Errorf("no values: %+v %q", e, warn)
	}
}

func trial(rps, p99 float64) rundir.LoadResult {
	return rundir.LoadResult{Requests: 100, WarmupReqs: 10, ThroughputRPS: rps, Latency: rundir.Percentiles{Count: 100, P99: p99, Max: p99}}
}

func TestSummarize(t *testing.T) {
	s := Summarize(Server{
		Name: "nginx", Kind: rundir.KindReference,
		Trials: []rundir.LoadResult{trial(10, 300), trial(30, 100), trial(20, 200)},
		CPU:    &CPUSpan{Before: 1, After: 1.033},
	})
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
	if !strings.Contains(strings.Join(s.Warnings, "\n"), "too few") {
		t.Errorf("3 rounds without a too-few warning: %v", s.Warnings)
	}
}

func TestPerRequestFromStats(t *testing.T) {
	srv := Server{
		Before: &rundir.Stats{RequestsTotal: 1000, HeapAllocs: 5000, GCCycles: 3, Syscalls: map[string]uint64{"read": 10, "write": 10}},
		After:  &rundir.Stats{RequestsTotal: 3000, HeapAllocs: 5100, GCCycles: 4, Syscalls: map[string]uint64{"read": 2010, "write": 4010, "accept4": 2}},
	}
	var s rundir.ServerSummary
	PerRequest(srv, &s)
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

// Counters that went backwards (a restarted server) give no figure and a
// warning, never a negative or wrapped one.
func TestPerRequestBackwards(t *testing.T) {
	srv := Server{
		Before: &rundir.Stats{RequestsTotal: 3000, HeapAllocs: 100},
		After:  &rundir.Stats{RequestsTotal: 10, HeapAllocs: 5},
		CPU:    &CPUSpan{Before: 2, After: 3},
	}
	var s rundir.ServerSummary
	PerRequest(srv, &s)
	if s.AllocsPerRequest != nil || s.CPUPerRequestUS != nil || !strings.Contains(strings.Join(s.Warnings, " "), "requests_total went backwards") {
		t.Errorf("allocs %v cpu %v warnings %v", s.AllocsPerRequest, s.CPUPerRequestUS, s.Warnings)
	}
	srv = Server{
		Before: &rundir.Stats{RequestsTotal: 10, HeapAllocs: 100, GCCycles: 5},
		After:  &rundir.Stats{RequestsTotal: 20, HeapAllocs: 50, GCCycles: 1},
	}
	s = rundir.ServerSummary{}
	PerRequest(srv, &s)
	if s.AllocsPerRequest != nil || s.GCCycles != nil {
		t.Errorf("allocs or GC cycles that went backwards gave a figure: %v %v", s.AllocsPerRequest, s.GCCycles)
	}
	for _, what := range []string{"heap_allocs went backwards", "gc_cycles went backwards"} {
		if !strings.Contains(strings.Join(s.Warnings, "\n"), what) {
			t.Errorf("no warning %q: %v", what, s.Warnings)
		}
	}
	srv = Server{
		Before: &rundir.Stats{RequestsTotal: 10, Syscalls: map[string]uint64{"read": 50, "write": 5}},
		After:  &rundir.Stats{RequestsTotal: 20, Syscalls: map[string]uint64{"read": 40, "write": 15}},
		CPU:    &CPUSpan{Before: 3, After: 2},
	}
	s = rundir.ServerSummary{}
	PerRequest(srv, &s)
	if _, ok := s.SyscallsPerRequest["read"]; ok || s.SyscallsPerRequest["write"] != 1 || s.CPUPerRequestUS != nil {
		t.Errorf("syscalls %v cpu %v: a kind that went backwards has no figure, the others do", s.SyscallsPerRequest, s.CPUPerRequestUS)
	}
	if _, ok := s.SyscallsPerRequest["total"]; ok {
		t.Error("a total over a kind that went backwards")
	}
	if w := strings.Join(s.Warnings, "\n"); !strings.Contains(w, "syscalls[read] went backwards") || !strings.Contains(w, "CPU time went backwards") {
		t.Errorf("warnings %v", s.Warnings)
	}
}

// A trial without samples is left out of the percentiles' medians, while
// its throughput counts.
func TestSummarizeSkipsTrialsWithoutSamples(t *testing.T) {
	s := Summarize(Server{Trials: []rundir.LoadResult{trial(10, 300), trial(30, 100), {ThroughputRPS: 0}}})
	if p99 := s.Latency["p99"]; p99.N != 2 || p99.Center != 200 {
		t.Errorf("p99 %+v: want the median of the two trials with samples", p99)
	}
	if s.Throughput.N != 3 || s.Throughput.Center != 10 {
		t.Errorf("throughput %+v: every trial counts", s.Throughput)
	}
}

func TestHasInterval(t *testing.T) {
	for n := 1; n <= MinRoundsForCI+1; n++ {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = float64(i + 1)
		}
		e, warn := Estimate(vals)
		if got := HasInterval(e); got != (n >= MinRoundsForCI) || got != (warn == "") {
			t.Errorf("%d rounds: HasInterval %v, warning %q", n, got, warn)
		}
	}
}
