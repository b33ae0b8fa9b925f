package bench

import (
	"latencylab/harness/rundir"
)

// counters fills the per-request costs from the counters read before and
// after the measured rounds (DESIGN.md §7.6). The deltas include each
// trial's warm-up requests and the one /stats request after, both counted
// in the same requests_total, so the ratios stay per request.
func counters(t *target, s *rundir.ServerSummary) {
	requests := requestsServed(t, s)
	if requests == 0 {
		if t.cpuOK || t.before != nil {
			s.Warnings = append(s.Warnings, "no requests counted between the snapshots: no per-request costs")
		}
		return
	}
	if t.cpuOK && t.cpuAfter >= t.cpuBefore {
		us := (t.cpuAfter - t.cpuBefore) * 1e6 / float64(requests)
		s.CPUPerRequestUS = &us
	}
	if t.before == nil || t.after == nil {
		return
	}
	b, a := t.before, t.after
	if a.HeapAllocs >= b.HeapAllocs {
		allocs := float64(a.HeapAllocs-b.HeapAllocs) / float64(requests)
		s.AllocsPerRequest = &allocs
	}
	if a.GCCycles >= b.GCCycles {
		gc := a.GCCycles - b.GCCycles
		s.GCCycles = &gc
	}
	s.SyscallsPerRequest = syscallsPerRequest(b.Syscalls, a.Syscalls, requests)
}

// requestsServed is the server's own request count between the snapshots
// when it has one, else what the load generator completed (warm-ups
// included, since the CPU time covers them too).
func requestsServed(t *target, s *rundir.ServerSummary) uint64 {
	if t.before != nil && t.after != nil {
		if t.after.RequestsTotal < t.before.RequestsTotal {
			s.Warnings = append(s.Warnings, "requests_total went backwards: the server restarted?")
			return 0
		}
		return t.after.RequestsTotal - t.before.RequestsTotal
	}
	var n int64
	for _, tr := range t.trials {
		n += tr.result.Requests + tr.result.WarmupReqs
	}
	return uint64(max(n, 0))
}

// syscallsPerRequest divides each kind's delta, and their sum as "total".
// Servers without the core's counters report none: nil.
func syscallsPerRequest(before, after map[string]uint64, requests uint64) map[string]float64 {
	if len(after) == 0 {
		return nil
	}
	out := make(map[string]float64, len(after)+1)
	var total uint64
	for kind, v := range after {
		d := v - min(v, before[kind])
		total += d
		out[kind] = float64(d) / float64(requests)
	}
	out["total"] = float64(total) / float64(requests)
	return out
}
