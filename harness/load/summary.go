package load

import (
	"cmp"
	"crypto/tls"
	"fmt"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// Warning thresholds.
const (
	lagWarnNs     = int64(time.Millisecond) // the generator's own send lag p99
	busyWarnFrac  = 0.9                     // of one event loop's wall time
	statusErrorAt = 400                     // statuses from here on are also errors
)

type summaryInputs struct {
	windowNs  int64
	connected int
	threads   int
	cpus      int
	loadCPU   float64
	busiest   float64
	marginNs  int64 // the pacers' early-wake margin at the end
	// interrupted: cancelled (a signal) before the window ended
	interrupted   bool
	requestsShare int64  // this agent's share of --requests (0: none)
	server        target // the server the run loaded (the URL's, or a mix's)
}

func buildSummary(cfg Config, rec *recorder, in summaryInputs) rundir.LoadResult {
	s := rundir.LoadResult{
		URL: summaryURL(cfg, in.server), Conns: cfg.Shard.size(cfg.Conns), Rate: shareOfRate(cfg), Mode: cfg.Mode.String(),
		DurationS: float64(in.windowNs) / 1e9, Requests: rec.responses,
		Errors: errorCounts(rec), Statuses: statusCounts(rec),
		Latency: percentiles(rec.latency), Service: percentiles(rec.service), SendLag: percentiles(rec.sendLag),
		Connected: in.connected, WarmupS: cfg.Warmup.Seconds(), WarmupReqs: rec.warmupResponses,
		LoadCPU: in.loadCPU, Interrupted: in.interrupted, RequestsLimit: in.requestsShare,
		Protocol: protocol(cfg, in.server), TLS: tlsInfo(cfg, in.server, rec), HTTP2: http2Info(cfg, rec), Targets: targetResults(cfg, rec.targets),
	}
	if len(cfg.Targets) > 0 {
		s.TargetsPick, s.TargetsSeed = cfg.Pick.String(), cfg.Seed
	}
	if rec.connect.TotalCount() > 0 {
		connect := percentiles(rec.connect)
		s.Connect = &connect
	}
	if in.windowNs > 0 {
		s.ThroughputRPS = float64(rec.responses) / (float64(in.windowNs) / 1e9)
	}
	s.Extra = map[string]string{
		"threads":           strconv.Itoa(in.threads),
		"cpus":              strconv.Itoa(in.cpus),
		"connects":          strconv.FormatInt(rec.connects, 10),
		"closed_between":    strconv.FormatInt(rec.closedBetween, 10),
		"pacer_lag_p99_ns":  strconv.FormatInt(rec.pacerLag.ValueAtQuantile(99), 10),
		"busiest_loop_busy": strconv.FormatFloat(in.busiest, 'f', 3, 64),
		"timeout_s":         strconv.FormatFloat(cfg.Timeout.Seconds(), 'f', -1, 64),
		"loop":              loopName(cfg.openLoop()),
		"latency_p99_99_ns": strconv.FormatInt(rec.latency.ValueAtQuantile(99.99), 10),
		"service_p99_99_ns": strconv.FormatInt(rec.service.ValueAtQuantile(99.99), 10),
		"send_lag_samples":  strconv.FormatInt(rec.sendLag.TotalCount(), 10),
		"latency_samples":   strconv.FormatInt(rec.latency.TotalCount(), 10),
	}
	if cfg.openLoop() {
		s.Extra["pacing_margin_ns"] = strconv.FormatInt(in.marginNs, 10)
	}
	if msg := firstMessages(rec); msg != "" {
		s.Extra["errors_first_message"] = msg
	}
	s.Generator = generatorInfo(cfg, rec, in)
	s.ErrorMessages = errorMessages(rec)
	s.Warnings = warnings(cfg, rec, in)
	return s
}

// generatorInfo is the typed account of the generator: the figures of
// extra, as numbers, and the two verdicts its warnings state.
func generatorInfo(cfg Config, rec *recorder, in summaryInputs) *rundir.GeneratorInfo {
	g := &rundir.GeneratorInfo{
		Loop: loopName(cfg.openLoop()), Threads: in.threads, CPUs: in.cpus, TimeoutS: cfg.Timeout.Seconds(),
		Connects: rec.connects, ClosedBetween: rec.closedBetween, BusiestLoopBusy: in.busiest,
		SpinNS:         int64(cfg.Spin),
		PacerLagP99NS:  rec.pacerLag.ValueAtQuantile(99),
		Saturated:      in.busiest > busyWarnFrac,
		FellBehind:     cfg.openLoop() && rec.pacerLag.ValueAtQuantile(99) > lagWarnNs,
		LatencyP9999NS: rec.latency.ValueAtQuantile(99.99), ServiceP9999NS: rec.service.ValueAtQuantile(99.99),
		LatencySamples: rec.latency.TotalCount(), SendLagSamples: rec.sendLag.TotalCount(),
	}
	if cfg.openLoop() {
		g.PacingMarginNS = in.marginNs
	}
	return g
}

// errorMessages maps each error class seen to its first message.
func errorMessages(rec *recorder) map[string]string {
	var m map[string]string
	for i, name := range classNames {
		if rec.firstErr[i] != "" {
			if m == nil {
				m = map[string]string{}
			}
			m[name] = rec.firstErr[i]
		}
	}
	return m
}

func loopName(open bool) string {
	if open {
		return "open"
	}
	return "closed"
}

// percentiles summarises h; with no sample it says so (count 0, no figures).
func percentiles(h *hdrhistogram.Histogram) rundir.Percentiles {
	if h.TotalCount() == 0 {
		return rundir.Percentiles{}
	}
	return rundir.Percentiles{
		Count: h.TotalCount(), Mean: h.Mean(), P50: float64(h.ValueAtQuantile(50)), P90: float64(h.ValueAtQuantile(90)),
		P99: float64(h.ValueAtQuantile(99)), P999: float64(h.ValueAtQuantile(99.9)), Max: float64(h.Max()),
	}
}

// errorCounts has every class (0 when none) and status_<code> for every
// status >= 400 seen.
func errorCounts(rec *recorder) map[string]int64 {
	m := make(map[string]int64, classCount)
	for i, name := range classNames {
		m[name] = rec.errors[i]
	}
	for code := statusErrorAt; code < statusMax; code++ {
		if n := rec.statuses[code]; n > 0 {
			m["status_"+strconv.Itoa(code)] = n
		}
	}
	return m
}

func statusCounts(rec *recorder) map[string]int64 {
	m := map[string]int64{}
	for code, n := range rec.statuses {
		if n > 0 {
			m[strconv.Itoa(code)] = n
		}
	}
	return m
}

// firstMessages is "class: first error text; ..." for the classes seen.
func firstMessages(rec *recorder) string {
	var parts []string
	for i, name := range classNames {
		if rec.firstErr[i] != "" {
			parts = append(parts, name+": "+rec.firstErr[i])
		}
	}
	return strings.Join(parts, "; ")
}

func warnings(cfg Config, rec *recorder, in summaryInputs) []string {
	var w []string
	if in.interrupted {
		w = append(w, "interrupted: the run was stopped before its window ended; the figures cover only what was measured until then")
	}
	if lag := rec.pacerLag.ValueAtQuantile(99); cfg.openLoop() && lag > lagWarnNs { // GeneratorInfo.FellBehind
		w = append(w, fmt.Sprintf("generator fell behind: its own send lag p99 is %s (> 1ms); "+
			"the schedule was not kept, so latencies are understated: lower --rate, or give the generator more CPUs (--cpu, --threads)",
			fmtNs(float64(lag))))
	}
	if in.busiest > busyWarnFrac { // GeneratorInfo.Saturated
		w = append(w, fmt.Sprintf("generator saturated: its busiest event loop was busy %.0f%% of the time (process CPU %.0f%% of %d CPUs): "+
			"the results may measure the generator, not the server; give it more CPUs (--cpu, --threads)",
			100*in.busiest, 100*in.loadCPU, in.cpus))
	}
	if lim := in.requestsShare; lim > 0 && rec.settled < lim && !in.interrupted {
		w = append(w, fmt.Sprintf("the time limit came first: --duration %v ended the run after %d of the %d requests of --requests",
			cfg.Duration, rec.settled, lim))
	}
	if n := rec.errors[classUnsent]; n > 0 {
		w = append(w, fmt.Sprintf("%d scheduled requests of the window were never sent: no usable connection before the deadline (counted as unsent errors)", n))
	}
	return w
}

// whyNothing explains an empty measurement.
func whyNothing(rec *recorder, windowNs int64) string {
	var parts []string
	if rec.responses > 0 {
		parts = append(parts, fmt.Sprintf("%d responses, none 2xx/3xx (statuses %v)", rec.responses, statusCounts(rec)))
	} else {
		parts = append(parts, "no response")
	}
	for i, name := range classNames {
		if n := rec.errors[i]; n > 0 || rec.firstErr[i] != "" {
			parts = append(parts, fmt.Sprintf("%s errors: %d (%s)", name, n, rec.firstErr[i]))
		}
	}
	if windowNs == 0 {
		parts = append(parts, "the run ended before the measured window")
	}
	return strings.Join(parts, "; ")
}

// fmtNs formats nanoseconds with a unit that suits them.
func fmtNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0fns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1fµs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.2fms", ns/1e6)
	}
	return fmt.Sprintf("%.3fs", ns/1e9)
}

// shareOfRate is this agent's part of the plan's rate: every connection
// sends at the same period, so it is proportional to its connections.
func shareOfRate(cfg Config) float64 {
	return cfg.Rate * float64(cfg.Shard.size(cfg.Conns)) / float64(cfg.Conns)
}

// shardInfo says where a sharded agent stood in its plan; nil for a
// whole-plan run without --start-at.
func shardInfo(cfg Config, p *plan, out execution) *rundir.ShardInfo {
	if cfg.Shard.Count == 0 && cfg.StartAt.IsZero() {
		return nil
	}
	si := &rundir.ShardInfo{Index: cfg.Shard.Index, Count: cfg.Shard.count(), PlanConns: cfg.Conns, PlanRate: cfg.Rate,
		PlanDurationS: float64(p.endNs-p.warmupNs) / 1e9, PlanRequests: cfg.Requests,
		OriginClock: out.origin.UTC().Format(time.RFC3339Nano), LateNs: int64(out.late), Late: out.late > lateAfter}
	if !cfg.StartAt.IsZero() {
		si.StartAt = cfg.StartAt.UTC().Format(time.RFC3339Nano)
	}
	return si
}

// tlsInfo is the tls object of an https:// run's summary.
func tlsInfo(cfg Config, t target, rec *recorder) *rundir.TLSInfo {
	if !t.tls {
		return nil
	}
	info := &rundir.TLSInfo{
		ServerName: cmp.Or(cfg.TLS.ServerName, t.hostname), Verified: !cfg.TLS.Insecure, Resume: !cfg.TLS.NoResume,
		HandshakesFull: rec.tls.full, HandshakesResumed: rec.tls.resumed,
		Handshake: percentiles(rec.handshake), ALPN: rec.tls.alpn,
	}
	if rec.tls.version != 0 {
		info.Version, info.CipherSuite = tls.VersionName(rec.tls.version), tls.CipherSuiteName(rec.tls.suite)
	}
	return info
}

// summaryURL is the result's url: the URL, or a mix's server.
func summaryURL(cfg Config, t target) string {
	if cfg.URL != "" {
		return cfg.URL
	}
	return t.origin()
}

// protocol is the HTTP the run spoke, as the JSON names it.
func protocol(cfg Config, t target) string {
	switch {
	case !cfg.HTTP2:
		return protoHTTP1
	case t.tls:
		return protoH2
	}
	return protoH2C
}

// http2Info is the http2 object of an HTTP/2 run's summary.
func http2Info(cfg Config, rec *recorder) *rundir.HTTP2Info {
	if !cfg.HTTP2 {
		return nil
	}
	h := &rundir.HTTP2Info{Streams: cfg.streams(), GoAways: rec.h2.goaways, Retried: rec.h2.retried, StreamResets: rec.h2.resets,
		RequestWrites: rec.h2.writes, RequestsWritten: rec.h2.written, CoalesceNs: int64(cfg.hold())}
	if m := rec.h2.maxStreams; m >= 0 {
		h.ServerMaxStreams, h.Capped = &m, m < cfg.streams()
	}
	return h
}
