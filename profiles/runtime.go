package profiles

import (
	"net/http"
	"runtime/metrics"
	"time"

	"latencylab/internal/statsdoc"
)

// Runtime metrics behind GET /runtime.
const (
	metricGCCycles  = "/gc/cycles/total:gc-cycles"
	metricGCPauses  = "/sched/pauses/total/gc:seconds"
	metricSchedLats = "/sched/latencies:seconds"
	metricGoroutine = "/sched/goroutines:goroutines"
)

// ReadRuntime reads the runtime's GC and scheduler evidence, cumulative
// since the process started, and what the read itself cost.
func ReadRuntime() statsdoc.RuntimeRead {
	start := time.Now()
	samples := []metrics.Sample{{Name: metricGCCycles}, {Name: metricGCPauses}, {Name: metricSchedLats}, {Name: metricGoroutine}}
	metrics.Read(samples)
	r := statsdoc.RuntimeRead{
		GCCycles:       samples[0].Value.Uint64(),
		GCPauses:       histogramOf(samples[1].Value.Float64Histogram()),
		SchedLatencies: histogramOf(samples[2].Value.Float64Histogram()),
		Goroutines:     samples[3].Value.Uint64(),
	}
	r.CostNS = time.Since(start).Nanoseconds() // the read alone; GET /runtime reports more
	return r
}

// histogramOf copies a runtime histogram, infinities as ±1e300 (JSON has
// none).
func histogramOf(h *metrics.Float64Histogram) statsdoc.Histogram {
	out := statsdoc.Histogram{Counts: append([]uint64(nil), h.Counts...)}
	for _, b := range h.Buckets {
		out.Buckets = append(out.Buckets, max(min(b, 1e300), -1e300))
	}
	return out
}

// runtime answers GET /runtime. CostNS is the time every earlier
// /runtime request took in this handler, reading and answering: the
// sampler's whole cost to the server, which the caller divides by reads.
func (c *controller) runtime(w http.ResponseWriter, _ *http.Request) {
	start := time.Now()
	r := ReadRuntime()
	r.CostNS = c.runtimeNS.Load()
	writeJSON(w, r)
	c.runtimeNS.Add(time.Since(start).Nanoseconds())
}
