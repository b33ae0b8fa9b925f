package load

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"time"

	"latencylab/harness/loadmode"
)

// Limits on the configuration (TIGER_STYLE: a limit on everything).
const (
	connsMax = 100_000
	rateMax  = 50_000_000 // req/s
	// rateMin keeps one connection's period (conns/rate) within what the
	// nanosecond schedule can hold; below it the schedule would overflow.
	rateMin        = 0.01 // req/s
	durationMax    = DurationMax
	timeoutMax     = 10 * time.Minute
	bodySizeMax    = 16 << 20
	headerCountMax = 100
	threadsMax     = 256
	requestsMax    = 1 << 40
	spinMax        = time.Millisecond
	coalesceMax    = time.Millisecond
)

// DefaultSpin is lab load's poll before an event loop sleeps (Config.Spin):
// long enough to span the gap between two responses of a busy server.
const DefaultSpin = 50 * time.Microsecond

// DefaultCoalesce is lab load's hold for a closed-loop HTTP/2
// connection's next requests (Config.Coalesce): nginx answers a batch of
// streams with a write per response, a few microseconds apart.
const DefaultCoalesce = 10 * time.Microsecond

// DurationMax is the longest window (and time limit) a run may have.
const DurationMax = 24 * time.Hour

// RequestsTimeLimit is lab load's time limit for a closed-loop run with
// --requests and no --duration: long enough for any count a loopback
// server answers in reasonable time, short enough that a stuck server
// does not keep the run forever.
const RequestsTimeLimit = 10 * time.Minute

// Config is one load run. Use DefaultConfig for the command's defaults. In
// the zero value, Method "" means GET and Mode{} means keepalive; every
// other field must be set.
type Config struct {
	URL string // "" with Targets: the mix names the server
	// Targets is a request mix (lab load --targets): every request picks
	// one, by Pick and Seed. Method and Body are then the targets'; Headers
	// are added to each. All targets are on one server.
	Targets                   []Target
	Pick                      Pick
	Seed                      uint64
	Conns                     int
	Duration, Warmup, Timeout time.Duration
	// Requests > 0 ends the window after exactly that many requests
	// (split evenly over the whole plan's connections); Duration is then
	// the time limit. 0: the window is Duration.
	Requests int64
	Rate     float64 // req/s over all connections; 0 = closed loop
	Mode     loadmode.Mode
	Method   string
	Headers  []string // "Name: value"
	Body     []byte
	NoDelay  bool // TCP_NODELAY on the client sockets
	// Spin is how long an event loop polls for responses before it sleeps
	// (0: it sleeps at once). See worker.spin for why it changes what the
	// server pays per request on loopback.
	Spin time.Duration
	// Coalesce applies to a closed-loop HTTP/2 run with more than one
	// stream per connection (Config.hold): while a connection's responses
	// are still arriving it holds its next requests, until none has
	// arrived for Coalesce (at most coalesceHolds times that in all), or
	// none of its streams is in flight; then it writes them in one write.
	// 0 writes each as soon as its stream ends. See worker.hold.
	Coalesce time.Duration
	TLS      TLSOptions // for an https:// URL; options on an http:// URL are refused
	// HTTP2 speaks HTTP/2: h2 over TLS (ALPN) for https://, h2c with prior
	// knowledge for http://. Streams (default 1) streams are in flight per
	// connection, capped by the server's SETTINGS_MAX_CONCURRENT_STREAMS.
	HTTP2    bool
	Streams  int
	HlogPath string       // "" = none
	Progress io.Writer    // nil = none; a \r-updated progress line
	Threads  int          // event-loop threads; 0 = GOMAXPROCS, at most Conns
	Logger   *slog.Logger // nil = slog.Default()
	// Shard runs one agent's share of the plan (Conns and Rate are the
	// whole plan's); the zero Shard runs all of it.
	Shard Shard
	// StartAt is the plan's common origin: every agent waits for it, and
	// its schedule and warm-up count from it. Zero: start now.
	StartAt time.Time
}

// DefaultConfig is lab load's defaults for url.
func DefaultConfig(url string) Config {
	return Config{
		URL: url, Conns: 64, Duration: 10 * time.Second, Warmup: 2 * time.Second,
		Timeout: 5 * time.Second, Mode: loadmode.Mode{Kind: loadmode.KeepAlive},
		Method: "GET", NoDelay: true, Spin: DefaultSpin, Coalesce: DefaultCoalesce,
	}
}

// Validate reports the first thing wrong with c, without touching the network.
func (c Config) Validate() error {
	t, err := parseTarget(c.server())
	if err != nil {
		return err
	}
	if c.TLS.set() && !t.tls {
		return fmt.Errorf("URL %q is http://: the TLS options need https://", c.server())
	}
	checks := []error{
		c.validateTargets(t),
		c.validateHTTP2(t),
		c.TLS.validate(),
		c.validateCounts(),
		c.validateShard(),
		c.validateTimes(),
		c.Mode.Validate(),
		validateMethod(c.method()),
		validateHeaders(c.Headers),
	}
	return errors.Join(checks...)
}

func (c Config) validateTargets(server target) error {
	switch {
	case len(c.Targets) == 0:
		return nil
	case len(c.Targets) > targetsMax:
		return fmt.Errorf("%d targets: at most %d", len(c.Targets), targetsMax)
	case c.URL != "":
		return errors.New("a URL and targets are exclusive: the targets name the server")
	case len(c.Body) > 0:
		return errors.New("a body and targets are exclusive: each target has its own (@body-file)")
	case c.Pick > PickWeighted:
		return fmt.Errorf("pick %d: want rr, random or weighted", c.Pick)
	}
	for _, tg := range c.Targets {
		t, err := parseTarget(tg.URL)
		if err != nil {
			return fmt.Errorf("%s: %w", tg.where, err)
		}
		if t.origin() != server.origin() {
			return fmt.Errorf("%s: %s is not on %s: one run loads one server", tg.where, tg.URL, server.origin())
		}
		if err := errors.Join(validateMethod(tg.Method), validateHeaders(append(slices.Clip(c.Headers), tg.Headers...))); err != nil {
			return fmt.Errorf("%s: %w", tg.where, err)
		}
		if tg.Weight < 1 || tg.Weight > weightMax {
			return fmt.Errorf("%s: weight %d not in 1..%d", tg.where, tg.Weight, weightMax)
		}
	}
	return nil
}

func (c Config) validateHTTP2(t target) error {
	switch {
	case !c.HTTP2 && c.Streams != 0:
		return errors.New("streams are HTTP/2's: they need http2")
	case !c.HTTP2:
		return nil
	case c.Streams < 0 || c.Streams > h2StreamsMax:
		return fmt.Errorf("streams %d not in 1..%d", c.Streams, h2StreamsMax)
	case c.Mode.Kind != loadmode.KeepAlive:
		return fmt.Errorf("mode %s with http2: HTTP/2 keeps its connections and multiplexes streams on them (use streams, not a mode)", c.Mode)
	}
	_, err := buildRequests(c, t)
	return err
}

// streams is HTTP/2's streams per connection (0 without HTTP/2).
func (c Config) streams() int {
	if !c.HTTP2 {
		return 0
	}
	return max(c.Streams, 1)
}

// server is the URL that names the server: URL, or the mix's first target.
func (c Config) server() string {
	if c.URL == "" && len(c.Targets) > 0 {
		return c.Targets[0].URL
	}
	return c.URL
}

func (c Config) validateCounts() error {
	switch {
	case c.Conns < 1 || c.Conns > connsMax:
		return fmt.Errorf("conns %d not in 1..%d", c.Conns, connsMax)
	case math.IsNaN(c.Rate) || c.Rate < 0 || c.Rate > rateMax:
		return fmt.Errorf("rate %v not in 0..%d req/s (0 = closed loop)", c.Rate, rateMax)
	case c.Rate > 0 && c.Rate < rateMin:
		return fmt.Errorf("rate %v is below the minimum %v req/s (0 = closed loop)", c.Rate, rateMin)
	case len(c.Body) > bodySizeMax:
		return fmt.Errorf("body of %d bytes is over the %d-byte limit", len(c.Body), bodySizeMax)
	case c.Threads < 0 || c.Threads > threadsMax:
		return fmt.Errorf("threads %d not in 0..%d", c.Threads, threadsMax)
	case c.Requests < 0 || c.Requests > requestsMax:
		return fmt.Errorf("requests %d not in 0..%d (0 = no count: the window is the duration)", c.Requests, int64(requestsMax))
	}
	return nil
}

func (c Config) validateShard() error {
	if err := c.Shard.validate(); err != nil {
		return err
	}
	if c.Shard.Count > c.Conns {
		return fmt.Errorf("shard %v: more agents than the plan's %d connections", c.Shard, c.Conns)
	}
	if c.Shard.Count > 0 && c.Requests > 0 && !c.openLoop() {
		return errors.New("requests with shard needs an open loop (rate > 0): in a closed loop each agent's window " +
			"ends when its own share is done, so the agents would not share one window")
	}
	switch {
	case c.StartAt.IsZero():
	case time.Until(c.StartAt) > startAheadMax:
		return fmt.Errorf("start-at %s is more than %v ahead: check the clock and the date", c.StartAt.Format(time.RFC3339), startAheadMax)
	case time.Since(c.StartAt) > c.Warmup+c.Duration:
		return fmt.Errorf("start-at %s has passed: the plan's window ended %v ago", c.StartAt.Format(time.RFC3339), (time.Since(c.StartAt) - c.Warmup - c.Duration).Round(time.Second))
	}
	return nil
}

func (c Config) validateTimes() error {
	switch {
	case c.Duration <= 0 || c.Duration > durationMax:
		return fmt.Errorf("duration %v not in (0, %v]", c.Duration, durationMax)
	case c.Warmup < 0 || c.Warmup > durationMax:
		return fmt.Errorf("warmup %v not in [0, %v]", c.Warmup, durationMax)
	case c.Timeout <= 0 || c.Timeout > timeoutMax:
		return fmt.Errorf("timeout %v not in (0, %v]", c.Timeout, timeoutMax)
	case c.Spin < 0 || c.Spin > spinMax:
		return fmt.Errorf("spin %v not in [0, %v]", c.Spin, spinMax)
	case c.Coalesce < 0 || c.Coalesce > coalesceMax:
		return fmt.Errorf("coalesce %v not in [0, %v]", c.Coalesce, coalesceMax)
	}
	return nil
}

func (c Config) method() string {
	if c.Method == "" {
		return "GET"
	}
	return c.Method
}

func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

func (c Config) openLoop() bool { return c.Rate > 0 }

// hold is Coalesce where it applies: a closed-loop HTTP/2 run with more
// than one stream per connection (one stream has nothing to write along).
func (c Config) hold() time.Duration {
	if c.HTTP2 && !c.openLoop() && c.streams() > 1 {
		return c.Coalesce
	}
	return 0
}

// threads is the number of event loops: Threads, or GOMAXPROCS, at most
// the connections this agent runs.
func (c Config) threads(gomaxprocs int) int {
	n := c.Threads
	if n == 0 {
		n = gomaxprocs
	}
	return max(1, min(n, c.Shard.size(c.Conns)))
}
