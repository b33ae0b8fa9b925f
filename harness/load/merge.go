package load

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// An agent's result, as lab merge reads it: its JSON summary and, beside
// it with the same name, its interval log.
type agentResult struct {
	path      string // the JSON file
	sum       rundir.LoadResult
	intervals []*hdrhistogram.Histogram // untagged: latency per interval
	totals    map[string]*hdrhistogram.Histogram
}

// Merged is the result of several agents that ran one plan together,
// in lab load's own formats.
type Merged struct {
	Summary   rundir.LoadResult
	startMs   int64
	intervals []*hdrhistogram.Histogram // the agents' intervals added, interval by interval
	agents    [][]*hdrhistogram.Histogram
	totals    map[string]*hdrhistogram.Histogram
}

// Merge reads the agents' results (JSON files; each one's .hlog beside it
// with the same name) and adds them up. Interval histograms add exactly,
// so the merged percentiles are those of every request of every agent.
// Results that do not belong to one plan are refused.
func Merge(jsonPaths []string) (*Merged, error) {
	if len(jsonPaths) == 0 {
		return nil, errors.New("no input: name the agents' JSON results")
	}
	agents := make([]*agentResult, 0, len(jsonPaths))
	for _, p := range jsonPaths {
		a, err := readAgent(p)
		if err != nil {
			return nil, err
		}
		agents = append(agents, a)
	}
	if err := samePlan(agents); err != nil {
		return nil, err
	}
	slices.SortFunc(agents, func(a, b *agentResult) int { return a.sum.Shard.Index - b.sum.Shard.Index })
	return mergeAgents(agents), nil
}

func readAgent(jsonPath string) (*agentResult, error) {
	lr, err := rundir.ReadLoadResult(jsonPath)
	if err != nil {
		return nil, fmt.Errorf("%s is not a lab load result: %w", jsonPath, err)
	}
	a := &agentResult{path: jsonPath, sum: *lr}
	if a.sum.Shard == nil || a.sum.Shard.StartAt == "" {
		return nil, fmt.Errorf("%s is not a sharded agent's result: run lab load with --shard I/N and a common --start-at", jsonPath)
	}
	hlog := strings.TrimSuffix(jsonPath, filepath.Ext(jsonPath)) + ".hlog"
	if err := a.readHlog(hlog); err != nil {
		return nil, fmt.Errorf("%s: %w (each agent's --hlog must lie beside its --json, with the same name)", hlog, err)
	}
	if err := a.matchesLog(hlog); err != nil {
		return nil, err
	}
	return a, nil
}

// matchesLog checks that the interval log holds exactly the samples the
// JSON counts: a truncated, empty or swapped log would merge silently into
// wrong percentiles otherwise.
func (a *agentResult) matchesLog(hlog string) error {
	var latency int64
	for _, h := range a.intervals {
		latency += h.TotalCount()
	}
	counts := []struct {
		what      string
		log, json int64
	}{
		{"latency", latency, a.sum.Latency.Count},
		{"service", orEmpty(a.totals[rundir.TagService]).TotalCount(), a.sum.Service.Count},
		{"send-lag", orEmpty(a.totals[rundir.TagSendLag]).TotalCount(), a.sum.SendLag.Count},
	}
	for _, c := range counts {
		if c.log != c.json {
			return fmt.Errorf("%s holds %d %s samples, %s counts %d: not this agent's log, or cut short", hlog, c.log, c.what, a.path, c.json)
		}
	}
	return nil
}

func (a *agentResult) readHlog(path string) error {
	l, err := rundir.ReadHlog(path)
	if err != nil {
		return err
	}
	a.intervals, a.totals = l.Intervals, l.Tagged
	return nil
}

// samePlan refuses results of different plans, duplicate agents and
// missing ones: a merge is the whole plan or nothing.
func samePlan(agents []*agentResult) error {
	ref := agents[0]
	seen := map[int]string{}
	for _, a := range agents {
		if d := planDiff(ref.sum, a.sum); d != "" {
			return fmt.Errorf("%s and %s are not one plan: %s", ref.path, a.path, d)
		}
		if other, dup := seen[a.sum.Shard.Index]; dup {
			return fmt.Errorf("%s and %s are both agent %d", other, a.path, a.sum.Shard.Index)
		}
		seen[a.sum.Shard.Index] = a.path
	}
	var missing []string
	for i := range ref.sum.Shard.Count {
		if _, ok := seen[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("agents %s of %d are missing", strings.Join(missing, ", "), ref.sum.Shard.Count)
	}
	return nil
}

// planDiff names the first way a and b differ as plans ("" if they do not).
func planDiff(a, b rundir.LoadResult) string {
	sa, sb := a.Shard, b.Shard
	switch {
	case a.URL != b.URL:
		return fmt.Sprintf("url %q, %q", a.URL, b.URL)
	case a.Mode != b.Mode:
		return fmt.Sprintf("mode %s, %s", a.Mode, b.Mode)
	case a.Protocol != b.Protocol:
		return fmt.Sprintf("protocol %s, %s", a.Protocol, b.Protocol)
	case len(a.Targets) != len(b.Targets) || a.TargetsPick != b.TargetsPick || a.TargetsSeed != b.TargetsSeed:
		return fmt.Sprintf("%d targets picked %s (seed %d), %d picked %s (seed %d)",
			len(a.Targets), a.TargetsPick, a.TargetsSeed, len(b.Targets), b.TargetsPick, b.TargetsSeed)
	case !sameTargets(a.Targets, b.Targets):
		return "targets files that differ"
	case sa.Count != sb.Count:
		return fmt.Sprintf("%d agents, %d agents", sa.Count, sb.Count)
	case sa.PlanConns != sb.PlanConns || sa.PlanRate != sb.PlanRate:
		return fmt.Sprintf("plan of %d conns at %g req/s, %d at %g", sa.PlanConns, sa.PlanRate, sb.PlanConns, sb.PlanRate)
	case sa.StartAt != sb.StartAt:
		return fmt.Sprintf("start-at %q, %q", sa.StartAt, sb.StartAt)
	case sa.PlanRequests != sb.PlanRequests:
		return fmt.Sprintf("--requests %d, %d", sa.PlanRequests, sb.PlanRequests)
	case a.WarmupS != b.WarmupS || sa.PlanDurationS != sb.PlanDurationS:
		return fmt.Sprintf("warm-up %gs + %gs, %gs + %gs", a.WarmupS, sa.PlanDurationS, b.WarmupS, sb.PlanDurationS)
	}
	return ""
}

func mergeAgents(agents []*agentResult) *Merged {
	m := &Merged{totals: map[string]*hdrhistogram.Histogram{}}
	m.startMs = firstIntervalMs(agents)
	latency := newHist()
	for _, a := range agents {
		m.agents = append(m.agents, a.intervals)
		for _, h := range a.intervals {
			m.interval(h).Merge(h)
			latency.Merge(h)
		}
		for tag, h := range a.totals {
			if m.totals[tag] == nil {
				m.totals[tag] = rundir.NewHistLike(h)
			}
			m.totals[tag].Merge(h)
		}
	}
	m.Summary = mergeSummaries(agents)
	m.Summary.Latency = percentiles(latency)
	m.Summary.Service = percentiles(orEmpty(m.totals[rundir.TagService]))
	m.Summary.SendLag = percentiles(orEmpty(m.totals[rundir.TagSendLag]))
	if h := m.totals[rundir.TagConnect]; h != nil && h.TotalCount() > 0 {
		connect := percentiles(h)
		m.Summary.Connect = &connect
	}
	if m.Summary.TLS != nil {
		m.Summary.TLS.Handshake = percentiles(orEmpty(m.totals[rundir.TagHandshake]))
	}
	for i := range m.Summary.Targets {
		if h := m.totals[rundir.TargetTag(i)]; h != nil {
			m.Summary.Targets[i].Latency = percentiles(h)
		}
	}
	return m
}

func sameTargets(a, b []rundir.TargetResult) bool {
	return slices.EqualFunc(a, b, func(x, y rundir.TargetResult) bool {
		return x.Method == y.Method && x.URL == y.URL && x.Weight == y.Weight
	})
}

// mergeTargets adds an agent's per-target counts (latency comes from the
// interval logs' totals).
func mergeTargets(into, ts []rundir.TargetResult) []rundir.TargetResult {
	if into == nil && ts != nil {
		into = make([]rundir.TargetResult, len(ts))
		for i, t := range ts {
			into[i] = rundir.TargetResult{Method: t.Method, URL: t.URL, Weight: t.Weight, Statuses: map[string]int64{}}
		}
	}
	for i, t := range ts {
		into[i].Requests += t.Requests
		into[i].Errors += t.Errors
		addCounts(into[i].Statuses, t.Statuses)
	}
	return into
}

// mergeHTTP2 adds an agent's HTTP/2 counts and keeps the lowest server
// limit.
func mergeHTTP2(into, h *rundir.HTTP2Info) *rundir.HTTP2Info {
	if h == nil {
		return into
	}
	if into == nil {
		return &rundir.HTTP2Info{Streams: h.Streams, ServerMaxStreams: h.ServerMaxStreams, Capped: h.Capped,
			GoAways: h.GoAways, Retried: h.Retried, StreamResets: h.StreamResets, CoalesceNs: h.CoalesceNs,
			RequestWrites: h.RequestWrites, RequestsWritten: h.RequestsWritten}
	}
	if m := h.ServerMaxStreams; m != nil && (into.ServerMaxStreams == nil || *m < *into.ServerMaxStreams) {
		into.ServerMaxStreams = m
	}
	into.Capped = into.Capped || h.Capped
	into.GoAways += h.GoAways
	into.Retried += h.Retried
	into.StreamResets += h.StreamResets
	into.RequestWrites += h.RequestWrites
	into.RequestsWritten += h.RequestsWritten
	return into
}

// mergeTLS adds an agent's handshake counts; the negotiated parameters
// are the first agent's that has them (every agent offers the same).
func mergeTLS(into, t *rundir.TLSInfo) *rundir.TLSInfo {
	if t == nil {
		return into
	}
	if into == nil {
		c := *t
		c.HandshakesFull, c.HandshakesResumed = 0, 0
		into = &c
	}
	if into.Version == "" {
		into.Version, into.CipherSuite, into.ALPN = t.Version, t.CipherSuite, t.ALPN
	}
	into.HandshakesFull += t.HandshakesFull
	into.HandshakesResumed += t.HandshakesResumed
	return into
}

// firstIntervalMs is the earliest interval start: with a common
// --start-at every agent's window starts at the same millisecond.
func firstIntervalMs(agents []*agentResult) int64 {
	first := int64(math.MaxInt64)
	for _, a := range agents {
		for _, h := range a.intervals {
			first = min(first, h.StartTimeMs())
		}
	}
	if first == math.MaxInt64 {
		return 0
	}
	return first
}

// intervalIndex is the merged interval h falls in.
func (m *Merged) intervalIndex(h *hdrhistogram.Histogram) int {
	return int(math.Round(float64(h.StartTimeMs()-m.startMs) / float64(intervalNs/1e6)))
}

// interval is the merged histogram of the interval h falls in.
func (m *Merged) interval(h *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	k := m.intervalIndex(h)
	for len(m.intervals) <= k {
		iv := newHist()
		start := m.startMs + int64(len(m.intervals))*intervalNs/1e6
		iv.SetStartTimeMs(start)
		iv.SetEndTimeMs(start)
		m.intervals = append(m.intervals, iv)
	}
	iv := m.intervals[k]
	iv.SetEndTimeMs(max(iv.EndTimeMs(), h.EndTimeMs()))
	return iv
}

func orEmpty(h *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	if h == nil {
		return newHist()
	}
	return h
}

// mergeSummaries adds up counts; figures that are not sums are taken from
// the plan (rate, window) or averaged (generator CPU).
func mergeSummaries(agents []*agentResult) rundir.LoadResult {
	ref := agents[0].sum
	s := rundir.LoadResult{URL: ref.URL, Mode: ref.Mode, Rate: ref.Shard.PlanRate, DurationS: ref.Shard.PlanDurationS,
		WarmupS: ref.WarmupS, Errors: map[string]int64{}, Statuses: map[string]int64{}, Extra: map[string]string{}}
	var cpu float64
	var minOrigin, maxOrigin time.Time
	for _, a := range agents {
		r := a.sum
		s.Conns += r.Conns
		s.Requests += r.Requests
		s.RequestsLimit += r.RequestsLimit
		s.Connected += r.Connected
		s.WarmupReqs += r.WarmupReqs
		s.Interrupted = s.Interrupted || r.Interrupted
		cpu += r.LoadCPU
		addCounts(s.Errors, r.Errors)
		addCounts(s.Statuses, r.Statuses)
		s.Generator = mergeGenerator(s.Generator, r.Generator)
		s.TLS = mergeTLS(s.TLS, r.TLS)
		s.HTTP2 = mergeHTTP2(s.HTTP2, r.HTTP2)
		s.Targets = mergeTargets(s.Targets, r.Targets)
		s.TargetsPick, s.TargetsSeed = r.TargetsPick, r.TargetsSeed
		s.Protocol = cmp.Or(s.Protocol, r.Protocol)
		for class, msg := range r.ErrorMessages {
			if s.ErrorMessages == nil {
				s.ErrorMessages = map[string]string{}
			}
			if s.ErrorMessages[class] == "" {
				s.ErrorMessages[class] = fmt.Sprintf("agent %d: %s", r.Shard.Index, msg)
			}
		}
		for _, w := range r.Warnings {
			s.Warnings = append(s.Warnings, fmt.Sprintf("agent %d: %s", r.Shard.Index, w))
		}
		info := *r.Shard
		info.Requests = r.Requests
		s.Agents = append(s.Agents, info)
		if t, err := time.Parse(time.RFC3339Nano, info.OriginClock); err == nil {
			if minOrigin.IsZero() || t.Before(minOrigin) {
				minOrigin = t
			}
			if t.After(maxOrigin) {
				maxOrigin = t
			}
		}
	}
	s.LoadCPU = cpu / float64(len(agents))
	if s.DurationS > 0 {
		s.ThroughputRPS = float64(s.Requests) / s.DurationS
	}
	s.Extra["agents"] = strconv.Itoa(len(agents))
	s.Extra["origin_skew_ns"] = strconv.FormatInt(int64(maxOrigin.Sub(minOrigin)), 10)
	return s
}

// mergeGenerator adds an agent's account of its generator to the
// merged one: counts add up, the busiest loop and the pacer lag are the
// worst agent's, and one saturated or late agent makes the whole plan so.
// The far-tail and sample figures are per agent and are left out.
func mergeGenerator(m, g *rundir.GeneratorInfo) *rundir.GeneratorInfo {
	if g == nil {
		return m
	}
	if m == nil {
		return &rundir.GeneratorInfo{Loop: g.Loop, Threads: g.Threads, CPUs: g.CPUs, TimeoutS: g.TimeoutS,
			Connects: g.Connects, ClosedBetween: g.ClosedBetween, BusiestLoopBusy: g.BusiestLoopBusy,
			PacerLagP99NS: g.PacerLagP99NS, Saturated: g.Saturated, FellBehind: g.FellBehind, SpinNS: g.SpinNS}
	}
	m.Threads += g.Threads
	m.CPUs += g.CPUs
	m.Connects += g.Connects
	m.ClosedBetween += g.ClosedBetween
	m.BusiestLoopBusy = max(m.BusiestLoopBusy, g.BusiestLoopBusy)
	m.PacerLagP99NS = max(m.PacerLagP99NS, g.PacerLagP99NS)
	m.Saturated = m.Saturated || g.Saturated
	m.FellBehind = m.FellBehind || g.FellBehind
	return m
}

func addCounts(dst, src map[string]int64) {
	for k, v := range src {
		dst[k] += v
	}
}

// WriteJSON writes the merged summary to path ("-": w).
func (m *Merged) WriteJSON(path string, w io.Writer) error {
	r := Result{Summary: m.Summary}
	if path == "-" {
		return r.EncodeJSON(w)
	}
	return r.WriteJSON(path)
}

// WriteHlog writes the merged interval log in time order: for each
// interval, the agents' histograms added (untagged, as one agent's log
// would be) and then each agent's own, tagged agent-<index>; last, the
// merged service and send-lag totals, tagged as an agent writes them.
func (m *Merged) WriteHlog(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	s := m.Summary
	lw := rundir.NewHlogWriter(f, fmt.Sprintf("[lab merge of %d agents: %s, %d conns, mode %s, rate %g, latency in ns from the intended send time]",
		len(m.agents), s.URL, s.Conns, s.Mode, s.Rate))
	lw.Start(m.startMs)
	for k, iv := range m.intervals {
		lw.Interval(iv)
		for i, ivs := range m.agents {
			for _, h := range ivs {
				if m.intervalIndex(h) == k {
					lw.Tagged("agent-"+strconv.Itoa(s.Agents[i].Index), h, h.StartTimeMs(), h.EndTimeMs())
				}
			}
		}
	}
	lastMs, endMs := m.startMs, m.startMs
	if n := len(m.intervals); n > 0 {
		lastMs, endMs = m.intervals[n-1].StartTimeMs(), m.intervals[n-1].EndTimeMs()
	}
	lw.Totals(m.totals, lastMs, endMs)
	if err := errors.Join(lw.Err(), f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
