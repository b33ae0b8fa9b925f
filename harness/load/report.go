package load

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// WriteJSON writes Summary (CONTRACTS.md §3) to path, in rundir's
// format; the folder must exist.
func (r *Result) WriteJSON(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	if err := errors.Join(rundir.EncodeJSON(f, r.Summary), f.Close()); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// EncodeJSON writes Summary as JSON to w (lab load --json -).
func (r *Result) EncodeJSON(w io.Writer) error {
	if err := rundir.EncodeJSON(w, r.Summary); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

var textQuantiles = []float64{50, 75, 90, 99, 99.9, 99.99}

// WriteText writes the human summary (wrk2-like).
func (r *Result) WriteText(w io.Writer) {
	s := &r.Summary
	loop := "closed loop"
	if r.open {
		loop = fmt.Sprintf("open loop at %g req/s", s.Rate)
	}
	fmt.Fprintf(w, "lab load %s\n", s.URL)
	fmt.Fprintf(w, "  %d connections, %s, %s, %d event-loop thread(s); %.2fs measured after %.2fs warm-up\n",
		s.Conns, s.Mode, loop, r.threads, s.DurationS, s.WarmupS)
	if sh := s.Shard; sh != nil {
		fmt.Fprintf(w, "  agent %d of %d: %d of the plan's %d connections, %g of its %g req/s; origin %s (late by %v)\n",
			sh.Index, sh.Count, s.Conns, sh.PlanConns, s.Rate, sh.PlanRate, sh.OriginClock, time.Duration(sh.LateNs))
	}
	limit := ""
	if s.RequestsLimit > 0 {
		limit = fmt.Sprintf(", window of --requests %d", s.RequestsLimit)
	}
	fmt.Fprintf(w, "  requests     %d (warm-up: %d, excluded%s)\n", s.Requests, s.WarmupReqs, limit)
	fmt.Fprintf(w, "  throughput   %.2f req/s\n\n", s.ThroughputRPS)
	r.writeTable(w)
	r.writeCounts(w)
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  WARNING: %s\n", warn)
	}
}

func (r *Result) writeTable(w io.Writer) {
	fmt.Fprintf(w, "  %-10s %9s", "", "mean")
	for _, q := range textQuantiles {
		fmt.Fprintf(w, " %9s", "p"+strconv.FormatFloat(q, 'f', -1, 64))
	}
	fmt.Fprintf(w, " %9s\n", "max")
	writeRow(w, "latency", r.Latency)
	writeRow(w, "service", r.Service)
	if r.open {
		writeRow(w, "send lag", r.SendLag)
		writeRow(w, "pacer lag", r.PacerLag)
		fmt.Fprintln(w, "  latency: from the intended send time (coordinated-omission corrected); service: from the actual send;")
		fmt.Fprintln(w, "  send lag: intended -> actual send; pacer lag: the part of it the generator caused")
		fmt.Fprintln(w, "  (the rest is requests waiting for a connection busy with an earlier response).")
	} else {
		fmt.Fprintln(w, "  closed loop: latency = service time (no schedule, so no coordinated-omission correction).")
	}
	r.writeSetup(w)
	fmt.Fprintln(w)
}

// writeSetup adds the connections' set-up: TCP connect, TLS handshake.
func (r *Result) writeSetup(w io.Writer) {
	if r.Connect == nil || r.Connect.TotalCount() == 0 {
		return
	}
	writeRow(w, "connect", r.Connect)
	if r.Summary.TLS != nil {
		writeRow(w, "handshake", r.Handshake)
	}
	what := "connect: the TCP connect"
	if r.Summary.TLS != nil {
		what += "; handshake: the TLS handshake after it"
	}
	fmt.Fprintf(w, "  %s; for the connections made in the window (part of service time in close mode only).\n", what)
}

func writeRow(w io.Writer, name string, h *hdrhistogram.Histogram) {
	if h.TotalCount() == 0 {
		fmt.Fprintf(w, "  %-10s %9s\n", name, "-")
		return
	}
	fmt.Fprintf(w, "  %-10s %9s", name, fmtNs(h.Mean()))
	for _, q := range textQuantiles {
		fmt.Fprintf(w, " %9s", fmtNs(float64(h.ValueAtQuantile(q))))
	}
	fmt.Fprintf(w, " %9s\n", fmtNs(float64(h.Max())))
}

func (r *Result) writeCounts(w io.Writer) {
	s := &r.Summary
	fmt.Fprintf(w, "  errors       %s\n", joinCounts(s.Errors, true))
	if msg := s.Extra["errors_first_message"]; msg != "" {
		fmt.Fprintf(w, "               first: %s\n", msg)
	}
	fmt.Fprintf(w, "  statuses     %s\n", joinCounts(s.Statuses, false))
	writeTargets(w, s)
	fmt.Fprintf(w, "  connections  %d of %d established (%s connects in all)\n", s.Connected, s.Conns, s.Extra["connects"])
	if h := s.HTTP2; h != nil {
		limit := "the server set no limit"
		if m := h.ServerMaxStreams; m != nil {
			limit = fmt.Sprintf("the server allows %d", *m)
		}
		if h.Capped {
			limit = fmt.Sprintf("CAPPED: the server allows only %d (SETTINGS_MAX_CONCURRENT_STREAMS)", *h.ServerMaxStreams)
		}
		fmt.Fprintf(w, "  http2        %s, %d streams per connection asked, %s; %d GOAWAY (%d requests sent again), %d streams reset\n",
			s.Protocol, h.Streams, limit, h.GoAways, h.Retried, h.StreamResets)
		fmt.Fprintf(w, "               %.1f requests per write, whole run (%s)\n", h.RequestsPerWrite(), holdText(s, h))
	}
	if t := s.TLS; t != nil {
		fmt.Fprintf(w, "  tls          %s, %s, ALPN %s, server name %s (%s); handshakes in the window: %d full, %d resumed (tickets %s)\n",
			cmp.Or(t.Version, "-"), cmp.Or(t.CipherSuite, "-"), cmp.Or(t.ALPN, "none"), t.ServerName,
			map[bool]string{true: "verified", false: "NOT verified: --insecure"}[t.Verified],
			t.HandshakesFull, t.HandshakesResumed, map[bool]string{true: "on", false: "off"}[t.Resume])
	}
	if n := s.Extra["closed_between"]; n != "" && n != "0" {
		fmt.Fprintf(w, "               %s closed by the server between responses (FIN or RST): the requests on their way were retried, not counted as errors (RFC 9112 §9.3.1)\n", n)
	}
	fmt.Fprintf(w, "  generator    CPU %.1f%% of %s CPUs; busiest event loop %s busy (pacing and --spin polls count as idle)\n",
		100*s.LoadCPU, s.Extra["cpus"], pct(s.Extra["busiest_loop_busy"]))
	if v := s.SLO; v != nil {
		verdict := "met"
		if !v.Met {
			verdict = "MISSED: " + v.Why
		}
		fmt.Fprintf(w, "  slo          %s: %s (%s %s, %d errors)\n", v.Objective, verdict, v.Percentile, fmtNs(v.MeasuredNS), v.Errors)
	}
}

func pct(frac string) string {
	f, err := strconv.ParseFloat(frac, 64)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// joinCounts is "k n, k n" in key order, skipping zeros.
func joinCounts(m map[string]int64, skipZero bool) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n != 0 || !skipZero {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "none"
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + strconv.FormatInt(m[k], 10)
	}
	return strings.Join(parts, ", ")
}

// busiestShown is how many targets the text summary lists.
const busiestShown = 5

// writeTargets lists a mix's busiest targets (the JSON has them all).
func writeTargets(w io.Writer, s *rundir.LoadResult) {
	if len(s.Targets) == 0 {
		return
	}
	fmt.Fprintf(w, "  targets      %d, picked %s (seed %d); the busiest:\n", len(s.Targets), s.TargetsPick, s.TargetsSeed)
	for _, i := range busiest(s.Targets, busiestShown) {
		t := s.Targets[i]
		lat := "-"
		if !t.Latency.Empty() {
			lat = fmt.Sprintf("p50 %s, p99 %s", fmtNs(t.Latency.P50), fmtNs(t.Latency.P99))
		}
		fmt.Fprintf(w, "               %s %s (weight %d): %d requests, %d errors; %s; statuses %s\n",
			t.Method, t.URL, t.Weight, t.Requests, t.Errors, lat, joinCounts(t.Statuses, false))
	}
}

// holdText says when an HTTP/2 run's requests were written.
func holdText(s *rundir.LoadResult, h *rundir.HTTP2Info) string {
	d := time.Duration(h.CoalesceNs)
	switch {
	case s.Extra["loop"] == loopName(true):
		return "each as its schedule said"
	case h.Streams < 2:
		return "one stream per connection: each as the last ended"
	case d == 0:
		return "each as a stream ended: --coalesce 0"
	}
	return fmt.Sprintf("held until responses paused %v, at most %v: --coalesce", d, coalesceHolds*d)
}
