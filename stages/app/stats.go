package app

import (
	"runtime/metrics"
)

// Stats is the /stats document (DESIGN.md §4). Every server of the lab,
// stages and reference servers alike, answers /stats with it.
type Stats struct {
	Stage               string            `json:"stage"`
	UptimeMS            int64             `json:"uptime_ms"`
	RequestsTotal       uint64            `json:"requests_total"`
	RequestsOK          uint64            `json:"requests_ok"`
	RequestsError       uint64            `json:"requests_error"`
	BytesReceived       uint64            `json:"bytes_received"`
	BytesSent           uint64            `json:"bytes_sent"`
	ConnectionsActive   uint64            `json:"connections_active"`
	ConnectionsAccepted uint64            `json:"connections_accepted"`
	ConnectionsRejected uint64            `json:"connections_rejected"`
	HeapAllocs          uint64            `json:"heap_allocs"` // objects allocated since start, tiny included
	GCCycles            uint64            `json:"gc_cycles"`
	Syscalls            map[string]uint64 `json:"syscalls"` // one count per kind; empty for servers without the core

	// Rejected counts requests refused by the parser, by status (an
	// addition to the contract's keys).
	Rejected map[string]uint64 `json:"rejected,omitempty"`
}

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
