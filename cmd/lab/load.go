package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"latencylab/harness/capacity"
	"latencylab/harness/load"
	"latencylab/harness/loadmode"
	"latencylab/harness/runstats"
	"latencylab/internal/cpuset"
)

// cmdLoad is lab load URL [flags].
func cmdLoad(args []string) error {
	return runLoad(args, os.Stdout, os.Stderr, isTerminal(2))
}

// loadFlags are lab load's flags, before they become a load.Config.
type loadFlags struct {
	conns                     int
	duration, warmup, timeout time.Duration
	durationSet               bool // --duration was given
	requests                  int64
	rate                      float64
	mode                      loadmode.Mode
	method, body, bodyFile    string
	headers                   headerList
	jsonPath, hlogPath, cpu   string
	nodelay                   string
	threads                   int
	spin, coalesce            time.Duration
	coalesceSet               bool // --coalesce was given
	shard                     load.Shard
	startAt                   time.Time
	slo                       *capacity.SLO // nil: no objective
	tls                       load.TLSOptions
	tlsResume, tlsMax         string
	targets, pick             string
	seed                      uint64
	http2                     bool
	streams                   int
	tlsSet                    bool // a TLS flag was given, even at its default
}

// tlsFlags are the flags only an https:// URL may take.
var tlsFlags = []string{"sni", "cacert", "insecure", "cert", "key", "tls-resume", "tls-max"}

const loadAbout = `Generates HTTP/1.1 or HTTP/2 (--http2) load against URL (http:// or https://;
any server), or a request mix (--targets FILE), and measures latency with
HdrHistogram. --rate 0 is a closed loop (capacity: each connection sends as
soon as it has room; latency = service time). --rate R > 0 is an open loop
(wrk2 schedule): latency is measured from each request's intended send time,
so server stalls cannot hide (coordinated-omission free); service time from
the actual send; send lag = actual - intended send. Warm-up is measured
separately and excluded. --requests N ends the window after exactly N
requests instead of after --duration. Prints a summary on stdout, a progress
line on stderr when it is a terminal, and exits non-zero when no request got
a 2xx/3xx response. With --slo, the verdict is in the summary and the JSON,
and a missed objective exits with status 3 (for CI pipelines). An https://
URL speaks TLS 1.2 or 1.3 on the same event loops: the connect and the
handshake are timed apart from request latency (close mode shows a handshake
per request, full or resumed).`

func (f *loadFlags) register(fs *flag.FlagSet) {
	d := load.DefaultConfig("")
	fs.IntVar(&f.conns, "conns", d.Conns, "connections, spread over the generator's threads")
	f.duration = d.Duration
	fs.Func("duration", "measured window after the warm-up (default 10s); with --requests, the time limit instead\n"+
		"(default: the schedule's length in open loop, "+load.RequestsTimeLimit.String()+" in closed loop)",
		func(s string) (err error) { f.duration, err = time.ParseDuration(s); f.durationSet = true; return err })
	fs.Int64Var(&f.requests, "requests", 0, "stop after exactly this many requests in the window (split evenly over the connections;\n"+
		"each ends as a response or an error); 0 = the window is --duration")
	fs.DurationVar(&f.warmup, "warmup", d.Warmup, "warm-up before the window (its requests are excluded, reported separately)")
	fs.Float64Var(&f.rate, "rate", 0, "requests/s over all connections: 0 = closed loop, > 0 = open loop")
	f.mode = d.Mode
	fs.Func("mode", "keepalive | close (new connection per request, connect counted) | pipeline=N (N in flight per connection) (default keepalive)",
		func(s string) (err error) { f.mode, err = loadmode.Parse(s); return err })
	fs.DurationVar(&f.timeout, "timeout", d.Timeout, "per request (and per connect); a timed-out request is recorded with latency >= timeout")
	fs.StringVar(&f.method, "method", d.Method, "request method (HEAD responses are read without a body)")
	fs.Var(&f.headers, "header", "request header 'Name: value' (repeatable; Host is set from the URL unless given)")
	fs.StringVar(&f.body, "body", "", "request body (Content-Length is set)")
	fs.StringVar(&f.bodyFile, "body-file", "", "read the request body from this file")
	fs.StringVar(&f.jsonPath, "json", "", "write the summary as JSON (docs/CONTRACTS.md §3 keys) to this file; - writes it to stdout (the text summary then goes to stderr)")
	fs.StringVar(&f.hlogPath, "hlog", "", "write an HdrHistogram interval log (100 ms intervals of latency, ns) to this file")
	fs.DurationVar(&f.spin, "spin", d.Spin, "poll for responses this long before an event loop sleeps (at most 1ms; 0 = sleep at once).\n"+
		"On loopback a sleeping generator's wake-ups are charged to the server; polling spares it them,\n"+
		"as a busy client or a real network would, at the cost of the generator's idle CPU (polls count as idle).\n"+
		"Not while TLS handshakes run. Use 0 when the generator shares CPUs with the server")
	fs.StringVar(&f.nodelay, "nodelay", "on", "TCP_NODELAY on the generator's sockets: on | off")
	fs.StringVar(&f.cpu, "cpu", "", "pin the generator to these CPUs, e.g. 2 or 2-3 (sets GOMAXPROCS to their count)")
	fs.IntVar(&f.threads, "threads", 0, "event-loop threads (0 = one per usable CPU, at most --conns)")
	fs.Func("shard", "run agent I of N of the plan (--conns and --rate are the whole plan's): connections I, I+N, … with\n"+
		"the schedule they have in the whole plan; lab merge adds the agents' results up",
		func(s string) (err error) { f.shard, err = load.ParseShard(s); return err })
	fs.Func("start-at", "the plan's common origin, RFC 3339 or Unix seconds: wait for it, and count the schedule and\n"+
		"the warm-up from it (agents that reach it late say so)",
		func(s string) (err error) { f.startAt, err = load.ParseStartAt(s); return err })
	fs.Func("slo", "a latency objective, PERCENTILE=DURATION (p50, p90, p99, p99.9), e.g. p99=2ms: met when that\n"+
		"percentile of latency (from the intended send time) is within it and no request failed;\n"+
		"missed, lab load exits with status 3",
		func(s string) error {
			o, err := capacity.ParseSLO(s)
			f.slo = &o
			return err
		})
	f.registerTLS(fs)
	fs.BoolVar(&f.http2, "http2", false, "speak HTTP/2: h2 over TLS (negotiated by ALPN) for https://, h2c with prior knowledge for http://")
	fs.IntVar(&f.streams, "streams", 0, "with --http2, streams in flight per connection (default 1), capped by the server's\n"+
		"SETTINGS_MAX_CONCURRENT_STREAMS (the summary says when): HTTP/2's pipeline depth")
	fs.DurationVar(&f.coalesce, "coalesce", d.Coalesce, "closed-loop --http2: while a connection's responses are still arriving, hold its next\n"+
		"requests until none has arrived for this long (or none is in flight), at most 4 times this long\n"+
		"after the hold began, then write them together; up to 1ms; 0 = write each as its stream ends.\n"+
		"Refused without --http2 or with --rate (even at 0); nothing to hold with --streams 1")
	fs.StringVar(&f.targets, "targets", "", "a request mix instead of URL: a file in vegeta's http format (METHOD URL lines, header\n"+
		"lines, @body-file; blank lines between targets; \"weight=N\" may end a METHOD URL line); every\n"+
		"target on one server. Per-target results in the JSON, the busiest in the summary")
	fs.StringVar(&f.pick, "pick", "rr", "with --targets, how each request picks its target: rr (each connection in turn through every target) |\n"+
		"random | weighted (by the file's weights); a sharded agent picks as the whole plan would")
	fs.Uint64Var(&f.seed, "seed", 1, "with --targets, the seed of --pick random and weighted (a rerun with one seed repeats)")
}

func (f *loadFlags) registerTLS(fs *flag.FlagSet) {
	fs.StringVar(&f.tls.ServerName, "sni", "", "https: the server name sent (SNI) and verified (default: the URL's host)")
	fs.StringVar(&f.tls.CAFile, "cacert", "", "https: verify the server against the PEM certificates in this file (default: the system's roots)")
	fs.BoolVar(&f.tls.Insecure, "insecure", false, "https: do not verify the server's certificate (the handshake still runs in full)")
	fs.StringVar(&f.tls.CertFile, "cert", "", "https: client certificate (PEM), with --key")
	fs.StringVar(&f.tls.KeyFile, "key", "", "https: the client certificate's private key (PEM)")
	fs.StringVar(&f.tlsResume, "tls-resume", "on", "https: resume sessions with tickets: on | off (off: every handshake is a full one)")
	fs.StringVar(&f.tlsMax, "tls-max", "1.3", "https: the highest TLS version offered: 1.2 | 1.3")
}

// tlsOptions checks the TLS flags that are words.
func (f *loadFlags) tlsOptions() (load.TLSOptions, error) {
	o := f.tls
	switch f.tlsResume {
	case "on":
	case "off":
		o.NoResume = true
	default:
		return o, fmt.Errorf("--tls-resume %q: want on or off", f.tlsResume)
	}
	switch f.tlsMax {
	case "1.3":
	case "1.2":
		o.MaxVersion = load.TLS12
	default:
		return o, fmt.Errorf("--tls-max %q: want 1.2 or 1.3", f.tlsMax)
	}
	return o, nil
}

// config turns the flags into a load.Config.
func (f *loadFlags) config(url string) (load.Config, error) {
	cfg := load.DefaultConfig(url)
	cfg.Conns, cfg.Duration, cfg.Warmup, cfg.Timeout = f.conns, f.duration, f.warmup, f.timeout
	cfg.Requests = f.requests
	if f.requests > 0 && !f.durationSet {
		cfg.Duration = load.RequestsTimeLimit
		if f.rate > 0 {
			cfg.Duration = load.DurationMax // the schedule ends the window itself
		}
	}
	cfg.Rate, cfg.Mode, cfg.Method, cfg.Headers = f.rate, f.mode, f.method, f.headers
	cfg.HlogPath, cfg.Threads, cfg.Spin = f.hlogPath, f.threads, f.spin
	cfg.HTTP2, cfg.Streams, cfg.Coalesce = f.http2, f.streams, f.coalesce
	if f.coalesceSet && (!f.http2 || f.rate > 0) {
		return cfg, errors.New("--coalesce is for a closed-loop --http2 run: an open loop sends on its schedule, and HTTP/1.1 writes as responses end")
	}
	cfg.Shard, cfg.StartAt = f.shard, f.startAt
	var err error
	if cfg.TLS, err = f.tlsOptions(); err != nil {
		return cfg, err
	}
	if f.targets != "" {
		if cfg.Targets, err = load.ReadTargets(f.targets); err != nil {
			return cfg, err
		}
		if cfg.Pick, err = load.ParsePick(f.pick); err != nil {
			return cfg, fmt.Errorf("--%w", err)
		}
		cfg.Seed = f.seed
	}
	if server := cmp.Or(url, firstTargetURL(cfg.Targets)); f.tlsSet && !strings.HasPrefix(strings.ToLower(server), "https://") {
		return cfg, fmt.Errorf("%s is not https://: the TLS flags (--%s) need an https:// URL", server, strings.Join(tlsFlags, ", --"))
	}
	switch f.nodelay {
	case "on":
		cfg.NoDelay = true
	case "off":
		cfg.NoDelay = false
	default:
		return cfg, fmt.Errorf("--nodelay %q: want on or off", f.nodelay)
	}
	switch {
	case f.body != "" && f.bodyFile != "":
		return cfg, errors.New("--body and --body-file are exclusive")
	case f.body != "":
		cfg.Body = []byte(f.body)
	case f.bodyFile != "":
		b, err := os.ReadFile(f.bodyFile)
		if err != nil {
			return cfg, fmt.Errorf("--body-file: %w", err)
		}
		cfg.Body = b
	}
	return cfg, cfg.Validate()
}

// runLoad is cmdLoad with its outputs given (for tests).
func runLoad(args []string, stdout, stderr io.Writer, tty bool) error {
	fs := newFlagSet("load", "URL [flags] | lab load --targets FILE [flags]")
	fs.SetOutput(stderr)
	var f loadFlags
	f.register(fs)
	usage := fs.Usage
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\n", loadAbout)
		usage()
	}
	url, err := f.parseArgs(fs, args)
	if err != nil {
		return err
	}
	cfg, err := f.config(url)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := pinLoad(f.cpu); err != nil {
		return err
	}
	if tty {
		cfg.Progress = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, runErr := load.Run(ctx, cfg)
	if res == nil {
		return runErr
	}
	if f.slo != nil {
		v := runstats.SLO(res.Summary, *f.slo)
		res.Summary.SLO = &v
	}
	if err := errors.Join(runErr, writeLoadResult(res, f.jsonPath, stdout, stderr)); err != nil {
		return err
	}
	if v := res.Summary.SLO; v != nil && !v.Met {
		return sloMissed{v.Objective + " missed: " + v.Why}
	}
	return nil
}

// sloMissed is lab load's objective missed: exit status 3, so that a CI
// pipeline tells it from a failed run.
type sloMissed struct{ msg string }

func (e sloMissed) Error() string { return e.msg }
func (sloMissed) ExitCode() int   { return 3 }

// writeLoadResult prints the summary, and the JSON where --json says. With
// --json - the JSON alone goes to stdout and the summary to stderr, so the
// output pipes into a JSON tool.
func writeLoadResult(res *load.Result, jsonPath string, stdout, stderr io.Writer) error {
	switch jsonPath {
	case "":
		res.WriteText(stdout)
		return nil
	case "-":
		res.WriteText(stderr)
		return res.EncodeJSON(stdout)
	}
	res.WriteText(stdout)
	return res.WriteJSON(jsonPath)
}

func firstTargetURL(ts []load.Target) string {
	if len(ts) == 0 {
		return ""
	}
	return ts[0].URL
}

// parseArgs parses the flags and returns the URL ("" with --targets).
func (f *loadFlags) parseArgs(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseLoadArgs(fs, args)
	if err != nil {
		return "", err
	}
	f.tlsSet = slices.ContainsFunc(tlsFlags, func(name string) bool { return flagSet(fs, name) })
	f.coalesceSet = flagSet(fs, "coalesce")
	return f.checkTargets(fs, pos)
}

// checkTargets says what names the server: the one URL, or --targets
// (with no URL, and none of the flags a targets file replaces).
func (f *loadFlags) checkTargets(fs *flag.FlagSet, pos []string) (string, error) {
	if f.targets == "" {
		if len(pos) != 1 {
			return "", usageError{fmt.Sprintf("want exactly one URL, got %d arguments (lab load URL [flags], or lab load --targets FILE)", len(pos))}
		}
		for _, name := range []string{"pick", "seed"} {
			if flagSet(fs, name) {
				return "", usageError{"--" + name + " needs --targets"}
			}
		}
		return pos[0], nil
	}
	if len(pos) != 0 {
		return "", usageError{"a URL and --targets are exclusive: the targets file names the server"}
	}
	for _, name := range []string{"method", "body", "body-file"} {
		if flagSet(fs, name) {
			return "", usageError{"--" + name + " and --targets are exclusive: each target has its own"}
		}
	}
	return "", nil
}

// flagSet says the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseLoadArgs parses flags placed before or after the positional
// arguments, and returns those.
func parseLoadArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	return pos, nil
}

func pinLoad(list string) error {
	if list == "" {
		return nil
	}
	set, err := cpuset.Parse(list)
	if err != nil {
		return usageError{"--cpu: " + err.Error()}
	}
	if err := cpuset.PinProcess(set); err != nil {
		return fmt.Errorf("--cpu: %w", err)
	}
	return nil
}

// headerList is a repeatable --header.
type headerList []string

func (h *headerList) String() string { return strings.Join(*h, "; ") }
func (h *headerList) Set(v string) error {
	*h = append(*h, v)
	return nil
}

// isTerminal reports whether fd is a terminal.
func isTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}
