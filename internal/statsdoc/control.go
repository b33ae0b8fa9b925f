package statsdoc

// The control endpoint's documents (CONTRACTS.md §7), shared like /stats
// by the servers that answer them and the harness that reads them.

// The files of a profiling window, as POST /profile/stop sends them and
// as the run directory keeps them.
const (
	CPUProfileFile  = "cpu.pb.gz"
	WallProfileFile = "wall.pb.gz"
	AllocsFile      = "allocs.pb.gz"
	TraceFile       = "trace.out" // runtime/trace of the profiling window: go tool trace trace.out
)

// RuntimeRead is one read of a Go server's runtime/metrics, as its
// control endpoint answers GET /runtime: cumulative since start.
type RuntimeRead struct {
	GCCycles       uint64    `json:"gc_cycles"`
	GCPauses       Histogram `json:"gc_pauses_seconds"`       // /sched/pauses/total/gc:seconds
	SchedLatencies Histogram `json:"sched_latencies_seconds"` // /sched/latencies:seconds
	CostNS         int64     `json:"cost_ns"`                 // the server's time answering every earlier /runtime read
	Goroutines     uint64    `json:"goroutines"`              // live goroutines (/sched/goroutines:goroutines)
}

// Histogram is a runtime/metrics histogram: Counts[i] falls in
// [Buckets[i], Buckets[i+1]); the ends may be ±Inf (written as ±1e300).
type Histogram struct {
	Buckets []float64 `json:"buckets"`
	Counts  []uint64  `json:"counts"`
}
