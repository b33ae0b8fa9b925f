// Package diagnose reads a server's trials for the known causes of a slow
// tail and names the ones it finds. Every rule needs two things: a
// signature in the latency (a mode of the histogram, or a trend through
// the trial) and evidence from elsewhere (a kernel counter, the runtime's
// own samples, the generator's lag). Neither alone is a diagnosis.
package diagnose

import (
	"fmt"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// Trial is one measured trial of a server, as the rules read it.
type Trial struct {
	Latency   *hdr.Histogram   // the whole measured window, ns
	Intervals []*hdr.Histogram // the window's intervals, in order (rundir's 100 ms grid)
	Kernel    map[string]int64 // TCP counter deltas (rundir.LoadResult.Kernel); nil: unknown
	Runtime   []rundir.RuntimeSample
	Result    rundir.LoadResult
}

// Diagnosis is a named cause with the share of requests it explains.
type Diagnosis = rundir.Diagnosis

// A rule looks at all of a server's trials.
type rule func(ts []Trial) (Diagnosis, bool)

// rules are every cause the lab knows, in the order a report lists them.
var rules = []rule{delayedACK, synRetransmit, rto, gcPause, queueing, generatorBound}

// Diagnose runs every rule over a server's trials.
func Diagnose(ts []Trial) []Diagnosis {
	var out []Diagnosis
	for _, r := range rules {
		if d, ok := r(ts); ok {
			out = append(out, d)
		}
	}
	return out
}

// IntervalMS is the grid of the latency intervals (lab load's interval
// log) and of the runtime samples.
const IntervalMS = 100

// Thresholds of the rules, each a named constant with its reason.
const (
	// minModeShare: a mode explains at least this share of requests, or
	// it is a handful of stragglers, not a cause.
	minModeShare = 0.01
	// minRareShare: for the modes of a kernel timer (a SYN sent again
	// after 1 s, a segment after 200 ms) even a few requests in ten
	// thousand are a pathology, since each rule also wants its counters
	// of the same order. Under connection churn at 14,000 req/s, the
	// dropped SYNs of a listen backlog of one delay about one request in
	// a thousand, and a threshold there passed or failed by chance.
	minRareShare = 0.0003
	// slowFloor and slowFactor define a slow request: over slowFloor and
	// over slowFactor times the median.
	slowFloor  = time.Millisecond
	slowFactor = 4
	// minSlowShare: the slow tail must be at least this share to need a
	// cause.
	minSlowShare = 0.005
	// runtimeStall is what the runtime must show in an interval to count
	// as the reason for its slow requests: a stop-the-world pause or a
	// goroutine that waited this long to run.
	runtimeStall = time.Millisecond
	// minCalmShare: with at least this share of intervals free of GC
	// stalls, the slow requests must be twice as frequent in the stalled
	// ones to be laid at the GC's door.
	minCalmShare = 0.2
	// lagFloor: a generator that sent later than this fell behind.
	lagFloor = time.Millisecond
	// busyGenerator: how busy the generator's busiest event loop may be
	// before it, not the server, is likely the limit.
	busyGenerator = 0.9
)

// band is a latency window where a kernel timer puts requests.
type band struct{ lo, hi time.Duration }

func (b band) String() string { return fmt.Sprintf("%v–%v", b.lo, b.hi) }

// Bands of the kernel's timers (Linux): the delayed-ACK timer is 40 ms
// (TCP_DELACK_MIN); a dropped SYN is sent again after 1 s, then 3 s in all
// (the initial RTO, doubling), and a handshake's last ACK dropped by a full
// accept queue has the server send its SYN-ACK again after 1 s, so one
// drop of each takes 2 s (a busy server's backlog-tiny shows whole trials
// there); a lost segment waits at least 200 ms (RTO min). Bands of one
// rule are in ascending order.
var (
	delayedACKBand = band{30 * time.Millisecond, 60 * time.Millisecond}
	synBands       = []band{{900 * time.Millisecond, 1500 * time.Millisecond}, {1900 * time.Millisecond, 2500 * time.Millisecond},
		{2900 * time.Millisecond, 3500 * time.Millisecond}}
	rtoBand = band{200 * time.Millisecond, 900 * time.Millisecond}
)

// Bands are the latency windows the mode rules read, for charts that mark
// them: name → [lo, hi] ns.
func Bands() map[string][2]float64 {
	ns := func(b band) [2]float64 { return [2]float64{float64(b.lo), float64(b.hi)} }
	return map[string][2]float64{"delayed-ack": ns(delayedACKBand), "syn-retransmit": ns(synBands[0]), "rto": ns(rtoBand)}
}

// peakFactor: a band is a mode when it holds this many times the requests
// of the window just below it (as wide on a log scale: [lo/2, lo), less
// the rule's band below, whose mode is no evidence against this one). An
// overloaded trial whose latency spreads evenly over seconds fills every
// band a little; it has no peak at a timer.
const peakFactor = 2

// modeIn counts the requests in the bands, or 0 when they are not a peak.
func modeIn(ts []Trial, bs ...band) (in, total int64) {
	in, total = inBands(ts, bs...)
	var below int64
	for i := range bs {
		n, _ := inBands(ts, belowBand(bs, i))
		below += n
	}
	if in < peakFactor*below {
		return 0, total
	}
	return in, total
}

// belowBand is the window just below band i of a rule's bands: [lo/2, lo),
// starting no lower than the band before it ends.
func belowBand(bs []band, i int) band {
	lo := bs[i].lo / 2
	if i > 0 {
		lo = max(lo, bs[i-1].hi)
	}
	return band{lo, bs[i].lo}
}

// inBands counts the requests of every trial inside the bands.
func inBands(ts []Trial, bs ...band) (in, total int64) {
	for _, t := range ts {
		if t.Latency == nil {
			continue
		}
		total += t.Latency.TotalCount()
		for _, b := range bs {
			in += countBetween(t.Latency, b.lo.Nanoseconds(), b.hi.Nanoseconds())
		}
	}
	return in, total
}

// countBetween is the number of values in [lo, hi).
func countBetween(h *hdr.Histogram, lo, hi int64) int64 {
	var n int64
	for _, bar := range h.Distribution() {
		if bar.Count > 0 && bar.From >= lo && bar.From < hi {
			n += bar.Count
		}
	}
	return n
}

// kernelSum adds a counter's deltas over the trials; known is false when
// no trial has counters.
func kernelSum(ts []Trial, names ...string) (sum int64, known bool) {
	for _, t := range ts {
		if t.Kernel == nil {
			continue
		}
		known = true
		for _, n := range names {
			sum += t.Kernel[n]
		}
	}
	return sum, known
}

func share(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
