// Package rundir is the run directory contract (CONTRACTS.md §4): the JSON
// schemas and the file names that lab bench writes and lab report and
// lab compare read. It is the only thing the report knows about a run.
package rundir

import (
	"strconv"
	"time"

	"latencylab/internal/statsdoc"
)

// File names inside a run directory.
const (
	RunFile         = "run.json"
	BenchFile       = "bench.txt"
	StatsBeforeFile = "stats-before.json"
	StatsAfterFile  = "stats-after.json"
	CPUProfileFile  = statsdoc.CPUProfileFile
	WallProfileFile = statsdoc.WallProfileFile
	AllocsFile      = statsdoc.AllocsFile
	SysProfileFile  = "sys.pb.gz" // linux-perf, kernel frames included; any server, nginx too
	TraceFile       = statsdoc.TraceFile
	ReportDir       = "report"
)

// RoundJSON and RoundHlog name one measured trial of a server.
func RoundJSON(k int) string { return "round-" + strconv.Itoa(k) + ".json" }
func RoundHlog(k int) string { return "round-" + strconv.Itoa(k) + ".hlog" }

// SweepJSON names one trial of a sweep: round k at an offered rate.
func SweepJSON(k int, offered float64) string {
	return "sweep-r" + strconv.Itoa(k) + "-" + strconv.FormatFloat(offered, 'f', 0, 64) + ".json"
}

// RoundReactors and RoundBackground name a trial's /stats samples and its
// background load's result, when the scenario has them.
func RoundReactors(k int) string   { return "round-" + strconv.Itoa(k) + "-reactors.json" }
func RoundBackground(k int) string { return "round-" + strconv.Itoa(k) + "-background.json" }

// ReactorTrace is a trial's per-reactor counts, polled from /stats
// (round-<k>-reactors.json).
type ReactorTrace struct {
	IntervalMS float64         `json:"interval_ms"`
	WarmupMS   float64         `json:"warmup_ms"` // samples before this are the warm-up's
	Samples    []ReactorSample `json:"samples"`
	// Imbalance is the mean, over the samples after the warm-up, of the
	// largest reactor's active connections divided by the mean reactor's
	// (1 is perfect balance, N is everything on one of N reactors);
	// ImbalanceMax is the worst sample. 0 when no sample had a connection.
	Imbalance    float64 `json:"imbalance"`
	ImbalanceMax float64 `json:"imbalance_max"`
}

// ReactorShare is what one reactor served over the measured rounds.
type ReactorShare struct {
	Accepted uint64 `json:"connections_accepted"`
	Requests uint64 `json:"requests"`
}

// ReactorSample is one poll.
type ReactorSample struct {
	AtMS     float64  `json:"at_ms"`    // since the trial's load began
	Active   []uint64 `json:"active"`   // connections open, per reactor
	Requests []uint64 `json:"requests"` // requests answered since start, per reactor
}

// ComputeImbalance fills Imbalance and ImbalanceMax from the samples.
func (t *ReactorTrace) ComputeImbalance() {
	var sum float64
	var n int
	t.Imbalance, t.ImbalanceMax = 0, 0
	for _, s := range t.Samples {
		if s.AtMS < t.WarmupMS || len(s.Active) == 0 {
			continue
		}
		var total, most uint64
		for _, a := range s.Active {
			total += a
			most = max(most, a)
		}
		if total == 0 {
			continue
		}
		r := float64(most) * float64(len(s.Active)) / float64(total)
		sum += r
		n++
		t.ImbalanceMax = max(t.ImbalanceMax, r)
	}
	if n > 0 {
		t.Imbalance = sum / float64(n)
	}
}

// Percentiles is the latency summary of lab load --json, in nanoseconds.
type Percentiles struct {
	// Count is the number of samples; 0 means there were none and the
	// figures below are absent, not zero.
	Count int64   `json:"count"`
	Mean  float64 `json:"mean,omitempty"`
	P50   float64 `json:"p50,omitempty"`
	P90   float64 `json:"p90,omitempty"`
	P99   float64 `json:"p99,omitempty"`
	P999  float64 `json:"p999,omitempty"`
	Max   float64 `json:"max,omitempty"`
}

// Empty reports that p holds no sample. Results written before count
// existed have no count, but any sample gives a non-zero max.
func (p Percentiles) Empty() bool { return p.Count == 0 && p.Max == 0 }

// LoadResult is the output of lab load --json (CONTRACTS.md §3). The keys
// up to SendLag are the contract; the rest are additions.
type LoadResult struct {
	URL       string  `json:"url"`
	Conns     int     `json:"conns"`
	Rate      float64 `json:"rate"`
	Mode      string  `json:"mode"`
	DurationS float64 `json:"duration_s"`
	Requests  int64   `json:"requests"`
	// RequestsLimit is lab load --requests (this agent's share of it):
	// the window ended after that many requests, each ending as a
	// response or an error, unless a warning says the time limit came first.
	RequestsLimit int64            `json:"requests_limit,omitempty"`
	Errors        map[string]int64 `json:"errors"` // by class: connect, read, write, timeout, reset, parse, unsent, tls, status_<code>
	ThroughputRPS float64          `json:"throughput_rps"`
	Latency       Percentiles      `json:"latency_ns"`
	Service       Percentiles      `json:"service_ns"`
	SendLag       Percentiles      `json:"send_lag_ns"`
	// Protocol is the HTTP version spoken ("http/1.1"); absent in results
	// written before it existed, which were all HTTP/1.1.
	Protocol string `json:"protocol,omitempty"`
	// Connect is the TCP connect time of the connections that connected
	// in the window (close mode: one per request).
	Connect *Percentiles `json:"connect_ns,omitempty"`
	// HTTP2 is how an HTTP/2 run's connections went; absent otherwise.
	HTTP2 *HTTP2Info `json:"http2,omitempty"`
	// TLS is what an https:// run negotiated; absent for plain HTTP.
	TLS *TLSInfo `json:"tls,omitempty"`
	// Targets is a request mix's results per target, in the targets
	// file's order (lab load --targets); absent for a single URL.
	Targets []TargetResult `json:"targets,omitempty"`
	// TargetsPick and TargetsSeed are how a mix's requests chose their
	// target (rr, random, weighted) and the seed of the draws.
	TargetsPick string            `json:"targets_pick,omitempty"`
	TargetsSeed uint64            `json:"targets_seed,omitempty"`
	Connected   int               `json:"connected"`            // connections actually established
	Statuses    map[string]int64  `json:"statuses"`             // responses by status code (empty when none)
	WarmupS     float64           `json:"warmup_s"`             // excluded from everything above
	WarmupReqs  int64             `json:"warmup_requests"`      // requests completed during warm-up
	LoadCPU     float64           `json:"load_cpu_utilization"` // generator CPU / (wall * cpus it may use)
	Warnings    []string          `json:"warnings,omitempty"`   // e.g. "generator fell behind"
	Extra       map[string]string `json:"extra,omitempty"`      // the same figures as strings, for older readers
	// Generator is how the generator itself did, typed. Results written
	// before it existed have only extra.
	Generator *GeneratorInfo `json:"generator,omitempty"`
	// ErrorMessages is the first message of each error class seen.
	ErrorMessages map[string]string `json:"error_messages,omitempty"`
	// SLO is the verdict on lab load --slo's objective, when given.
	SLO *SLOVerdict `json:"slo,omitempty"`
	// Interrupted: the run was stopped (SIGINT/SIGTERM) before its window
	// ended; the figures cover only what was measured until then.
	Interrupted bool `json:"interrupted"`
	// Shard is this agent's place in a plan several agents ran
	// (lab load --shard, --start-at); absent for a whole-plan run.
	Shard *ShardInfo `json:"shard,omitempty"`
	// Agents lists the agents a merged result (lab merge) came from.
	Agents []ShardInfo `json:"agents,omitempty"`
	// Kernel is the TCP counters' change over the trial (warm-up
	// included) in the server's network namespace: DelayedACKs,
	// ListenOverflows, ListenDrops, TCPSynRetrans, RetransSegs,
	// TCPTimeouts, TCPLossProbes. lab bench adds it; lab load alone does not.
	Kernel map[string]int64 `json:"kernel,omitempty"`
}

// HTTP2Info is an HTTP/2 run's account (CONTRACTS.md §3).
type HTTP2Info struct {
	Streams int `json:"streams"` // asked for, per connection (--streams)
	// ServerMaxStreams is the lowest SETTINGS_MAX_CONCURRENT_STREAMS a
	// server sent (absent when none did); Capped says it was below Streams.
	ServerMaxStreams *int  `json:"server_max_streams,omitempty"`
	Capped           bool  `json:"capped"`
	GoAways          int64 `json:"goaways"`
	Retried          int64 `json:"goaway_retried"` // requests a GOAWAY left unprocessed, sent again
	StreamResets     int64 `json:"stream_resets"`
	// CoalesceNs is the hold of a closed-loop run's next requests while
	// responses still arrive (lab load --coalesce; 0: none). RequestWrites
	// writes carried RequestsWritten requests, over the whole run.
	CoalesceNs      int64 `json:"coalesce_ns"`
	RequestWrites   int64 `json:"request_writes"`
	RequestsWritten int64 `json:"requests_written"`
}

// RequestsPerWrite is how many requests a write carried, on average (0
// when none was written).
func (h *HTTP2Info) RequestsPerWrite() float64 {
	if h.RequestWrites == 0 {
		return 0
	}
	return float64(h.RequestsWritten) / float64(h.RequestWrites)
}

// TargetResult is one target of a request mix: its counts over the window
// (as the summary's: requests are responses of any status, errors are
// failures and statuses >= 400) and its latency, from the intended send
// time, at two significant figures.
type TargetResult struct {
	Method   string           `json:"method"`
	URL      string           `json:"url"`
	Weight   int              `json:"weight"`
	Requests int64            `json:"requests"`
	Errors   int64            `json:"errors"`
	Statuses map[string]int64 `json:"statuses"`
	Latency  Percentiles      `json:"latency_ns"`
}

// TargetTag is the tag of target i's latency total in a sharded agent's
// interval log, so that lab merge merges per-target latency exactly.
func TargetTag(i int) string { return "target_" + strconv.Itoa(i) }

// TLSInfo is what an https:// run's handshakes negotiated and how long
// they took (CONTRACTS.md §3): from the TCP connect's end to the
// handshake's, for the handshakes that ended in the window.
type TLSInfo struct {
	Version     string `json:"version"`      // "TLS 1.3"
	CipherSuite string `json:"cipher_suite"` // IANA name
	ALPN        string `json:"alpn"`         // the protocol the server chose; "" when none
	ServerName  string `json:"server_name"`  // SNI sent and name verified
	Verified    bool   `json:"verified"`     // false with --insecure
	// Resume: session tickets were offered (--tls-resume on).
	Resume            bool        `json:"resume"`
	HandshakesFull    int64       `json:"handshakes_full"`
	HandshakesResumed int64       `json:"handshakes_resumed"`
	Handshake         Percentiles `json:"handshake_ns"`
}

// GeneratorInfo is the load generator's own account of a run
// (CONTRACTS.md §3): what it ran on, how busy it was, and whether that
// makes the run measure the generator rather than the server.
type GeneratorInfo struct {
	Loop            string  `json:"loop"` // open or closed
	Threads         int     `json:"threads"`
	CPUs            int     `json:"cpus"`
	TimeoutS        float64 `json:"timeout_s"`
	Connects        int64   `json:"connects"`       // successful connects, reconnects included
	ClosedBetween   int64   `json:"closed_between"` // keep-alive races retried (not errors)
	BusiestLoopBusy float64 `json:"busiest_loop_busy"`
	PacerLagP99NS   int64   `json:"pacer_lag_p99_ns"`
	PacingMarginNS  int64   `json:"pacing_margin_ns,omitempty"` // open loop: the pacers' early wake-up at the end
	SpinNS          int64   `json:"spin_ns"`                    // lab load --spin (absent before it defaulted to 50µs: 0 then)
	// Saturated: its busiest event loop was busy over the saturation
	// threshold; FellBehind: its own pacer lag p99 was over 1 ms. Either
	// means the figures may measure the generator.
	Saturated  bool `json:"saturated"`
	FellBehind bool `json:"fell_behind"`
	// The far tail and sample counts; absent from a merged result (its
	// latency_ns and send_lag_ns counts are the merged ones).
	LatencyP9999NS int64 `json:"latency_p99_99_ns,omitempty"`
	ServiceP9999NS int64 `json:"service_p99_99_ns,omitempty"`
	LatencySamples int64 `json:"latency_samples,omitempty"`
	SendLagSamples int64 `json:"send_lag_samples,omitempty"`
}

// SLOVerdict says whether a run met a latency objective (lab load --slo):
// the percentile of latency from the intended send time within the
// threshold, and no request failed.
type SLOVerdict struct {
	Objective   string  `json:"objective"`  // e.g. p99=2ms
	Percentile  string  `json:"percentile"` // p50, p90, p99, p999
	ThresholdNS float64 `json:"threshold_ns"`
	MeasuredNS  float64 `json:"measured_ns"` // the percentile measured; 0 with no sample
	Errors      int64   `json:"errors"`      // requests that failed, of any class
	Met         bool    `json:"met"`
	Why         string  `json:"why,omitempty"` // when missed
}

// ShardInfo is one agent of a sharded plan. Conns and Rate of its
// LoadResult are its own share; the plan's are here.
type ShardInfo struct {
	Index         int     `json:"index"`
	Count         int     `json:"count"`
	PlanConns     int     `json:"plan_conns"`
	PlanRate      float64 `json:"plan_rate"`
	PlanDurationS float64 `json:"plan_duration_s"`
	StartAt       string  `json:"start_at,omitempty"`      // the common origin (RFC 3339); empty: the agent started at once
	OriginClock   string  `json:"origin_clock"`            // this agent's wall clock when it reached the origin (RFC 3339)
	LateNs        int64   `json:"late_ns"`                 // how long after start_at that was
	Late          bool    `json:"late"`                    // later than the bound: its schedule was not kept at the start
	Requests      int64   `json:"requests,omitempty"`      // in Agents of a merged result: this agent's requests
	PlanRequests  int64   `json:"plan_requests,omitempty"` // the plan's --requests
}

// Stats is a server's /stats JSON (CONTRACTS.md §2), as a run keeps it.
type Stats = statsdoc.Stats

// Estimate is a median across rounds with its confidence interval.
type Estimate struct {
	Center float64 `json:"center"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	N      int     `json:"n"`
}

// Run is run.json.
type Run struct {
	Version  int             `json:"version"` // 1
	Started  time.Time       `json:"started"`
	Finished time.Time       `json:"finished"`
	Scenario Scenario        `json:"scenario"`
	Env      Env             `json:"env"`
	Servers  []ServerSummary `json:"servers"`         // ladder order, then references
	Notes    []string        `json:"notes,omitempty"` // e.g. "nginx not installed: skipped"
}

// Scenario is the load a run applied to every server.
type Scenario struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Path        string   `json:"path"` // e.g. /plaintext
	Mode        string   `json:"mode"` // keepalive | close | pipeline=N
	Conns       int      `json:"conns"`
	Rate        float64  `json:"rate"`                // req/s; 0 = closed loop
	RateRule    string   `json:"rate_rule,omitempty"` // how the rate was derived, when it adapts
	WarmupS     float64  `json:"warmup_s"`
	DurationS   float64  `json:"duration_s"`
	Rounds      int      `json:"rounds"`
	Quick       bool     `json:"quick"`
	VariantRate *float64 `json:"variant_rate,omitempty"` // req/s of the variant servers when not Rate (0: closed loop)
	Sweep       *Sweep   `json:"sweep,omitempty"`        // a sweep run: its plan and objective
	// AA names the server run twice, as itself and as AAName(server),
	// for the noise floor (lab bench --aa).
	AA string `json:"aa,omitempty"`
}

// Sweep is how a sweep run measured each server's curve.
type Sweep struct {
	SLO            string    `json:"slo"`              // as --slo spells it: p99=1ms
	SLOPercentile  string    `json:"slo_percentile"`   // p50, p90, p99 or p999
	SLOThresholdNS float64   `json:"slo_threshold_ns"` // the objective's threshold
	Fractions      []float64 `json:"fractions"`        // offered rates as fractions of each server's probe
	Bisect         int       `json:"bisect"`           // bisection steps per round near the knee
	ProbeS         float64   `json:"probe_s"`          // one closed-loop probe window
	Probes         int       `json:"probes"`           // probe windows; the best counts
}

// CurvePoint is one offered rate of a server's sweep: medians across the
// rounds.
type CurvePoint struct {
	Offered  float64 `json:"offered_rps"`
	Achieved float64 `json:"achieved_rps"`
	P50      float64 `json:"p50_ns"`
	P90      float64 `json:"p90_ns"`
	P99      float64 `json:"p99_ns"`
	P999     float64 `json:"p999_ns"`
	Max      float64 `json:"max_ns"`
	Errors   int64   `json:"errors"` // summed over its rounds
	Rounds   int     `json:"rounds"`
	// QueueGrowing: in most of its rounds latency grew through the trial
	// (see capacity.Growing); Saturated: that, or achieved below 99% of
	// offered. A saturated point's latency is a queue's, not the server's.
	QueueGrowing bool `json:"queue_growing"`
	Saturated    bool `json:"saturated"`
	MeetsSLO     bool `json:"meets_slo"`
	Bisect       bool `json:"bisect,omitempty"` // a bisection step's rate
}

// Capacity is a server's capacity at the SLO: the median of the rounds'
// knees with its interval, the knees themselves, and how to read it.
type Capacity struct {
	Estimate
	Interval string    `json:"interval"` // "95% CI", or "range of rounds" under 6 rounds
	Rounds   []float64 `json:"rounds"`   // each round's knee, req/s (0: none)
	// Found is false when no round met the SLO at any rate; AtLeast when
	// some round met it at every rate measured (a lower bound).
	Found   bool `json:"found"`
	AtLeast bool `json:"at_least,omitempty"`
}

// AAName is the second entry of an A/A run.
func AAName(server string) string { return server + "~aa" }

// Env is the environment of a run (CONTRACTS.md §6.7).
type Env struct {
	Hostname   string            `json:"hostname"`
	Kernel     string            `json:"kernel"`
	CPUModel   string            `json:"cpu_model"`
	NumCPU     int               `json:"num_cpu"`
	GoVersion  string            `json:"go_version"`
	GitCommit  string            `json:"git_commit"`
	GOGC       string            `json:"gogc"`
	GOMAXPROCS int               `json:"gomaxprocs"` // of each server
	ServerCPUs string            `json:"server_cpus"`
	LoadCPUs   string            `json:"load_cpus"`
	Sysctls    map[string]string `json:"sysctls"`
}

// Server kinds: the kind key of a ServerSummary.
const (
	KindStage     = "stage"     // a step of the ladder
	KindVariant   = "variant"   // a stage plus lab serve flags (the Nagle pair)
	KindReference = "reference" // a server outside the ladder: net/http, fasthttp, nginx
	KindExternal  = "external"  // a server the lab did not start, known by lab load's results alone
)

// ServerSummary is one server's results across rounds.
type ServerSummary struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"` // KindStage, KindVariant or KindReference
	Summary string `json:"summary,omitempty"`
	// Base is, for a stage, the stage it changes: the report's step is
	// Base → this one. Absent (older runs, other kinds): the previous stage.
	Base       string `json:"base,omitempty"`
	Failed     bool   `json:"failed"`
	FailReason string `json:"fail_reason,omitempty"`
	Rounds     int    `json:"rounds"` // measured trials that produced a result

	Throughput Estimate            `json:"throughput_rps"`
	Latency    map[string]Estimate `json:"latency_ns"` // mean, p50, p90, p99, p999, max
	Service    map[string]Estimate `json:"service_ns"`
	SendLagP99 Estimate            `json:"send_lag_p99_ns"`

	Requests           int64              `json:"requests"`                       // measured requests, all rounds
	AllocsPerRequest   *float64           `json:"allocs_per_request,omitempty"`   // nil when the server has no /stats
	SyscallsPerRequest map[string]float64 `json:"syscalls_per_request,omitempty"` // by kind, plus "total"
	CPUPerRequestUS    *float64           `json:"cpu_us_per_request,omitempty"`   // rusage user+sys
	GCCycles           *uint64            `json:"gc_cycles,omitempty"`
	Profiles           []string           `json:"profiles,omitempty"` // files present in the server's folder

	// For a server of several reactors: the balance strategy, each
	// reactor's share of the measured rounds (stats-after minus
	// stats-before, warm-ups included), and, where the scenario sampled
	// /stats, the imbalance (see ReactorTrace) across rounds.
	Balance   string         `json:"balance,omitempty"`
	Reactors  []ReactorShare `json:"reactors,omitempty"`
	Imbalance *Estimate      `json:"imbalance,omitempty"`

	// A soak run: whether the server's resources stayed flat over its
	// long trial (runstats.Soak).
	Soak *SoakVerdict `json:"soak,omitempty"`

	// A sweep run: the closed-loop probe the offered rates are fractions
	// of, the latency–throughput curve, and the capacity at the SLO.
	ProbeRPS      float64      `json:"probe_rps,omitempty"`
	Curve         []CurvePoint `json:"curve,omitempty"`
	CapacityAtSLO *Capacity    `json:"capacity_at_slo,omitempty"`

	// Diagnoses are the causes of a slow tail the lab found in the
	// measured rounds (harness/diagnose), each with its evidence.
	Diagnoses []Diagnosis `json:"diagnoses,omitempty"`
	Warnings  []string    `json:"warnings,omitempty"`
}

// RuntimeRead and Histogram are the control endpoint's GET /runtime
// document, which the servers answer (internal/statsdoc).
type (
	RuntimeRead = statsdoc.RuntimeRead
	Histogram   = statsdoc.Histogram
)

// RuntimeTrace is a trial's runtime samples (round-<k>-runtime.json): one
// per interval of the latency timeline, each the change since the one
// before.
type RuntimeTrace struct {
	IntervalMS float64         `json:"interval_ms"`
	Samples    []RuntimeSample `json:"samples"`
	// CostNS is the mean time one read took in the server (reading the
	// metrics and answering the request), and CostShare that times the
	// reads per second: the sampler's own cost, as a share of one CPU.
	CostNS    float64 `json:"cost_ns"`
	CostShare float64 `json:"cost_share"`
}

// RuntimeSample is one interval's change.
type RuntimeSample struct {
	AtMS        float64 `json:"at_ms"` // since the trial's load began
	GCCycles    uint64  `json:"gc_cycles"`
	GCPauses    uint64  `json:"gc_pauses"`
	GCPauseMax  float64 `json:"gc_pause_max_ns"`  // upper bound of the longest pause's bucket
	SchedLatMax float64 `json:"sched_lat_max_ns"` // the same for scheduling latency
}

// RoundRuntime names a trial's runtime samples.
func RoundRuntime(k int) string { return "round-" + strconv.Itoa(k) + "-runtime.json" }

// Diagnosis is a named cause of a slow tail: the share of the measured
// requests it explains, the evidence (a latency signature and a kernel or
// runtime figure that corroborates it), and what removes it.
type Diagnosis struct {
	ID       string  `json:"id"` // delayed-ack, syn-retransmit, rto, gc-pause, queueing, generator-bound
	Share    float64 `json:"share"`
	Evidence string  `json:"evidence"`
	Remedy   string  `json:"remedy"`
}

// RoundResources names a soak trial's resource samples.
func RoundResources(k int) string { return "round-" + strconv.Itoa(k) + "-resources.json" }

// ResourceTrace is what a server held over a soak trial, sampled at a
// fixed interval (round-<k>-resources.json).
type ResourceTrace struct {
	IntervalMS float64 `json:"interval_ms"`
	// SettleMS: samples before this are the settling-in (pools filling,
	// the heap finding its size) and are not judged.
	SettleMS float64          `json:"settle_ms"`
	Samples  []ResourceSample `json:"samples"`
}

// ResourceSample is one sample of a soak trial. A figure that could not
// be read is -1.
type ResourceSample struct {
	AtMS        float64 `json:"at_ms"`              // since the trial's load began
	RSSBytes    int64   `json:"rss_bytes"`          // resident set, /proc/<pid>/status
	FDs         int64   `json:"fds"`                // open file descriptors, /proc/<pid>/fd
	Goroutines  int64   `json:"goroutines"`         // from the control endpoint's /runtime; -1 without one
	Requests    int64   `json:"requests_total"`     // from /stats; -1 without
	Errors      int64   `json:"requests_error"`     // from /stats; -1 without
	Connections int64   `json:"connections_active"` // from /stats; -1 without
}

// SoakVerdict judges a soak trial's resources after the settling-in:
// each is flat when the mean of the samples' second half exceeds that of
// their first half by no more than its tolerance.
type SoakVerdict struct {
	Samples    int           `json:"samples"` // judged: after the settling-in
	SettleS    float64       `json:"settle_s"`
	RSS        ResourceTrend `json:"rss_bytes"`
	FDs        ResourceTrend `json:"fds"`
	Goroutines ResourceTrend `json:"goroutines"`
	Errors     int64         `json:"errors"` // requests_error over the judged samples; -1 unknown
	Passed     bool          `json:"passed"` // every known resource flat, and no error
}

// ResourceTrend is one resource over the judged samples.
type ResourceTrend struct {
	Known     bool    `json:"known"`
	First     float64 `json:"first"`      // the first judged sample
	Last      float64 `json:"last"`       // the last sample
	Min       float64 `json:"min"`        // over the judged samples
	Max       float64 `json:"max"`        // over the judged samples
	Growth    float64 `json:"growth"`     // second half's mean minus the first half's
	PerMinute float64 `json:"per_minute"` // least-squares slope
	Tolerance float64 `json:"tolerance"`  // the growth allowed
	Flat      bool    `json:"flat"`
}
