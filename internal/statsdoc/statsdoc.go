// Package statsdoc is the documents a lab server serves to the harness:
// the /stats document (CONTRACTS.md §2), what every lab server answers on
// /stats and what the bench keeps as stats-before.json and
// stats-after.json, and the control endpoint's (§7): GET /runtime and the
// names of a profiling window's files. It is its own package because
// both sides of those contracts use it, the servers and the harness, and
// no code that runs in a server may import the harness.
package statsdoc

// Stats is the /stats JSON document.
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

	// UringSQEs and UringCQEs count the io_uring requests the server
	// submitted and the completions it handled (the uring stage; absent
	// under epoll). With io_uring_enter in Syscalls they keep per-request
	// comparisons honest: the work a syscall no longer carries is here.
	UringSQEs uint64 `json:"uring_sqes,omitempty"`
	UringCQEs uint64 `json:"uring_cqes,omitempty"`

	// Rejected counts requests refused by the parser, and connections
	// refused for capacity (503), by status (an addition to the contract's keys).
	Rejected map[string]uint64 `json:"rejected,omitempty"`

	// The memory budget for connection buffers (--memory-max): refused
	// connections because of it, bytes held now, the most held at once,
	// and the budget itself. Absent for servers without the core.
	MemoryRejected  uint64 `json:"memory_rejected,omitempty"`
	MemoryHeldBytes uint64 `json:"memory_held_bytes,omitempty"`
	MemoryPeakBytes uint64 `json:"memory_peak_bytes,omitempty"`
	MemoryMaxBytes  uint64 `json:"memory_max_bytes,omitempty"`

	// Balance is how connections are spread over the reactors ("none" for
	// one), and Reactors has one entry per reactor. Absent for servers
	// without the core.
	Balance  string         `json:"balance,omitempty"`
	Reactors []ReactorStats `json:"reactors,omitempty"`
}

// ReactorStats is one reactor's share of the totals.
type ReactorStats struct {
	ConnectionsActive   uint64 `json:"connections_active"`
	ConnectionsAccepted uint64 `json:"connections_accepted"`
	RequestsTotal       uint64 `json:"requests_total"`
	// LatencyEstimateNS is what the least-latency balance reads (see
	// core.Reactor.LatencyEstimate); present under least-latency only.
	LatencyEstimateNS int64 `json:"latency_estimate_ns,omitempty"`
}
