package app

import (
	"runtime/metrics"

	"latencylab/internal/statsdoc"
)

// Stats is the /stats document (DESIGN.md §4). Every server of the lab,
// stages and reference servers alike, answers /stats with it.
type Stats = statsdoc.Stats

// Runtime metric names behind HeapAllocs and GCCycles.
const (
	metricHeapAllocs = "/gc/heap/allocs:objects"
	metricGCCycles   = "/gc/cycles/total:gc-cycles"
)

// RuntimeCounters reads heap allocations (objects, tiny allocations included)
// and completed GC cycles since the process started.
func RuntimeCounters() (heapAllocs, gcCycles uint64) {
	samples := [2]metrics.Sample{{Name: metricHeapAllocs}, {Name: metricGCCycles}}
	metrics.Read(samples[:])
	return samples[0].Value.Uint64(), samples[1].Value.Uint64()
}
