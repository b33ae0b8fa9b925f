package runstats

import (
	"slices"

	"latencylab/harness/rundir"
)

// PerRequest fills the per-request costs from the counters read before and
// after the measured rounds (docs/CONTRACTS.md, measurement rules). The
// deltas include each trial's warm-up requests and the one /stats request
// after, both counted in the same requests_total, so the ratios stay per
// request. A counter that went backwards gives no figure and a warning.
func PerRequest(srv Server, s *rundir.ServerSummary) {
	requests := requestsServed(srv, s)
	if requests == 0 {
		if srv.CPU != nil || srv.Before != nil {
			s.Warnings = append(s.Warnings, "no requests counted between the snapshots: no per-request costs")
		}
		return
	}
	backwards := func(what string) {
		s.Warnings = append(s.Warnings, what+" went backwards between the snapshots: no figure")
	}
	if c := srv.CPU; c != nil {
		if c.After >= c.Before {
			us := (c.After - c.Before) * 1e6 / float64(requests)
			s.CPUPerRequestUS = &us
		} else {
			backwards("the server's CPU time")
		}
	}
	if srv.Before == nil || srv.After == nil {
		return
	}
	b, a := srv.Before, srv.After
	if a.HeapAllocs >= b.HeapAllocs {
		allocs := float64(a.HeapAllocs-b.HeapAllocs) / float64(requests)
		s.AllocsPerRequest = &allocs
	} else {
		backwards("heap_allocs")
	}
	if a.GCCycles >= b.GCCycles {
		gc := a.GCCycles - b.GCCycles
		s.GCCycles = &gc
	} else {
		backwards("gc_cycles")
	}
	var bad []string
	s.SyscallsPerRequest, bad = syscallsPerRequest(b.Syscalls, a.Syscalls, requests)
	for _, kind := range bad {
		backwards("syscalls[" + kind + "]")
	}
}

// requestsServed is the server's own request count between the snapshots
// when it has one, else what the load generator completed (warm-ups
// included, since the CPU time covers them too).
func requestsServed(srv Server, s *rundir.ServerSummary) uint64 {
	if srv.Before != nil && srv.After != nil {
		if srv.After.RequestsTotal < srv.Before.RequestsTotal {
			s.Warnings = append(s.Warnings, "requests_total went backwards: the server restarted?")
			return 0
		}
		return srv.After.RequestsTotal - srv.Before.RequestsTotal
	}
	var n int64
	for _, tr := range srv.Trials {
		n += tr.Requests + tr.WarmupReqs
	}
	return uint64(max(n, 0))
}

// syscallsPerRequest divides each kind's delta, and their sum as "total".
// Servers without the core's counters report none: nil. A kind that went
// backwards gets no figure (and no total is given); it is returned in bad.
func syscallsPerRequest(before, after map[string]uint64, requests uint64) (out map[string]float64, bad []string) {
	if len(after) == 0 {
		return nil, nil
	}
	out = make(map[string]float64, len(after)+1)
	var total uint64
	for kind, v := range after {
		if v < before[kind] {
			bad = append(bad, kind)
			continue
		}
		total += v - before[kind]
		out[kind] = float64(v-before[kind]) / float64(requests)
	}
	if len(bad) == 0 {
		out["total"] = float64(total) / float64(requests)
	}
	slices.Sort(bad)
	return out, bad
}
