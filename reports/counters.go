package reports

import (
	"maps"
	"slices"
)

// perRequest is what one request costs a server: allocations, syscalls by
// kind (plus "total") and CPU time.
type perRequest struct {
	allocs   *float64
	syscalls map[string]float64
	cpuUS    *float64
	source   string // where the numbers came from, for the reader
}

// perRequest prefers the bench's own figures in run.json and falls back
// to the /stats snapshots, so a run whose summary lacks them still shows
// what the server counted.
func (sd *serverData) perRequest() perRequest {
	pr := perRequest{allocs: sd.AllocsPerRequest, syscalls: sd.SyscallsPerRequest, cpuUS: sd.CPUPerRequestUS, source: "run.json"}
	if pr.allocs != nil || len(pr.syscalls) > 0 {
		return pr
	}
	if d := statsDelta(sd); d != nil {
		d.cpuUS = pr.cpuUS
		return *d
	}
	return pr
}

// statsDelta divides the counter deltas between the two /stats snapshots
// by the requests served in between.
func statsDelta(sd *serverData) *perRequest {
	b, a := sd.before, sd.after
	// Counters only grow; anything else means the snapshots do not
	// belong to one process lifetime.
	if b == nil || a == nil || a.RequestsTotal <= b.RequestsTotal || a.HeapAllocs < b.HeapAllocs {
		return nil
	}
	n := float64(a.RequestsTotal - b.RequestsTotal)
	allocs := float64(a.HeapAllocs-b.HeapAllocs) / n
	pr := &perRequest{allocs: &allocs, source: "stats-before/after.json"}
	if len(a.Syscalls) == 0 {
		return pr
	}
	pr.syscalls = map[string]float64{}
	var total float64
	for kind, v := range a.Syscalls {
		if v < b.Syscalls[kind] {
			continue
		}
		d := float64(v-b.Syscalls[kind]) / n
		pr.syscalls[kind] = d
		total += d
	}
	pr.syscalls["total"] = total
	return pr
}

// syscallTotal is the total syscalls per request, if known.
func (pr perRequest) syscallTotal() *float64 {
	v, ok := pr.syscalls["total"]
	if !ok {
		return nil
	}
	return &v
}

// syscallKinds lists the kinds counted across servers, "total" excluded,
// sorted for a stable legend.
func syscallKinds(prs []perRequest) []string {
	set := map[string]bool{}
	for _, pr := range prs {
		for k := range pr.syscalls {
			if k != "total" {
				set[k] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}
