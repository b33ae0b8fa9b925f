package app

import (
	"runtime/metrics"

	"latencylab/internal/statsdoc"
)

// Stats is the /stats document (CONTRACTS.md §2). Every server of the lab,
// stages and reference servers alike, answers /stats with it.
type Stats = statsdoc.Stats

// ReactorStats is one reactor's entry in Stats.Reactors.
type ReactorStats = statsdoc.ReactorStats

// Runtime metric names behind HeapAllocs and GCCycles.
// /gc/heap/allocs:objects counts a block of the tiny allocator once however
// many tiny objects share it; /gc/heap/tiny/allocs:objects counts those
// objects. The contract's heap_allocs includes tiny allocations, so it is
// their sum. The tiny count is flushed per P, so it can lag by a few
// objects: nothing over many requests.
const (
	metricHeapAllocs = "/gc/heap/allocs:objects"
	metricTinyAllocs = "/gc/heap/tiny/allocs:objects"
	metricGCCycles   = "/gc/cycles/total:gc-cycles"
)

// RuntimeCounters reads heap allocations (objects, tiny allocations
// included) and completed GC cycles since the process started.
func RuntimeCounters() (heapAllocs, gcCycles uint64) {
	samples := [3]metrics.Sample{{Name: metricHeapAllocs}, {Name: metricTinyAllocs}, {Name: metricGCCycles}}
	metrics.Read(samples[:])
	return samples[0].Value.Uint64() + samples[1].Value.Uint64(), samples[2].Value.Uint64()
}
