package load

import (
	"crypto/tls"
	"math"
	"time"

	"latencylab/harness/loadmode"
)

// plan is the run's timeline and request shape, built once and shared
// read-only by the workers. Times are nanoseconds since t0, the origin of
// every connection's schedule.
type plan struct {
	t0        time.Time
	open      bool    // open loop (Rate > 0)
	rate      float64 // req/s over all connections
	periodNs  float64 // open loop: between two sends of one connection
	mode      loadmode.Mode
	nodelay   bool
	warmupNs  int64 // measuring starts
	endNs     int64 // measuring ends: no request is intended at or after it
	hardNs    int64 // nothing runs past it
	timeoutNs int64
	spinNs    int64     // Config.Spin
	holdNs    int64     // Config.hold
	requests  int64     // --requests: the window's requests over all connections (0: none)
	conns     int       // the whole plan's connections
	reqs      []request // the URL's one request, or a mix's, one per target
	pick      picker    // which of reqs request k of a connection sends
	targets   []Target  // the mix, if any (per-target results)
	batch     []byte    // one request: InFlight copies of it, for one pipelined write
	h2        bool      // HTTP/2 (h2 over TLS, h2c in clear)
	streams   int       // HTTP/2: streams in flight per connection
	target    target
	tls       *tls.Config // https:// only: every connection's client configuration
}

// drainSlackNs is the grace after the timeout before the hard stop.
const drainSlackNs = int64(250 * time.Millisecond)

func newPlan(cfg Config, t target, t0 time.Time) *plan {
	reqs, _ := buildRequests(cfg, t) // Validate built them once already
	p := &plan{
		t0: t0, open: cfg.openLoop(), rate: cfg.Rate, mode: cfg.Mode,
		nodelay: cfg.NoDelay, warmupNs: int64(cfg.Warmup), timeoutNs: int64(cfg.Timeout), spinNs: int64(cfg.Spin),
		reqs: reqs, target: t, requests: cfg.Requests, conns: cfg.Conns,
		pick: newPicker(cfg.Pick, cfg.Targets, cfg.Seed), targets: cfg.Targets,
		h2: cfg.HTTP2, streams: cfg.streams(),
	}
	p.holdNs = int64(cfg.hold())
	p.endNs = p.warmupNs + int64(cfg.Duration)
	p.hardNs = p.endNs
	if p.open {
		p.periodNs = float64(cfg.Conns) * 1e9 / cfg.Rate
		// With --requests the window is as long as they take at the rate:
		// it ends one plan period (1/rate) after the last one's intended time.
		p.endNs = min(p.endNs, p.lastIntended()+max(int64(1e9/p.rate), 1))
		p.hardNs = p.endNs + p.timeoutNs + drainSlackNs
	}
	if !p.mixed() {
		for range p.mode.InFlight() {
			p.batch = append(p.batch, p.reqs[0].wire...)
		}
	}
	return p
}

// depth is how many requests a connection may have outstanding.
func (p *plan) depth() int {
	if p.h2 {
		return p.streams
	}
	return p.mode.InFlight()
}

// mixed says the run sends a mix of requests (--targets).
func (p *plan) mixed() bool { return len(p.reqs) > 1 }

// quota is connection gidx's share of --requests: the plan's requests
// split evenly, the first connections taking one more.
func (p *plan) quota(gidx int) int64 {
	n := int64(p.conns)
	q := p.requests / n
	if int64(gidx) < p.requests%n {
		q++
	}
	return q
}

// lastIntended is, in open loop with --requests, the intended time of the
// window's last request over all connections: the schedule ends there,
// so the window is as long as the requests take at the rate. Without
// --requests it is the end of time.
func (p *plan) lastIntended() int64 {
	last := int64(-1)
	if p.requests == 0 {
		return math.MaxInt64 / 2
	}
	for g := range p.conns {
		if q := p.quota(g); q > 0 {
			ph := p.phase(g)
			last = max(last, p.intended(ph, p.firstAtOrAfter(ph, p.warmupNs)+q-1))
		}
	}
	return last
}

// phase is the intended time of request 0 of connection gidx: the
// connections' schedules interleave evenly.
func (p *plan) phase(gidx int) int64 {
	if !p.open {
		return 0
	}
	return int64(float64(gidx) * 1e9 / p.rate)
}

// intended is the intended send time of request k of a connection.
func (p *plan) intended(phase, k int64) int64 {
	return phase + int64(float64(k)*p.periodNs)
}

// firstAtOrAfter is the smallest k whose intended time is >= t.
func (p *plan) firstAtOrAfter(phase, t int64) int64 {
	if t <= phase {
		return 0
	}
	k := int64(math.Ceil(float64(t-phase) / p.periodNs))
	// The estimate is off by float rounding at most; the bounds keep a
	// pathological period from ever turning these into long loops.
	for i := 0; i < fixupMax && k > 0 && p.intended(phase, k-1) >= t; i++ {
		k--
	}
	for i := 0; i < fixupMax && p.intended(phase, k) < t; i++ {
		k++
	}
	return k
}

// fixupMax bounds the rounding corrections of firstAtOrAfter.
const fixupMax = 4

// measured says whether a request counts: in open loop by its intended
// time, in closed loop by its completion time.
func (p *plan) measured(intended, now int64) bool {
	if p.open {
		return intended >= p.warmupNs
	}
	return now >= p.warmupNs
}

func (p *plan) now() int64 { return int64(time.Since(p.t0)) }
