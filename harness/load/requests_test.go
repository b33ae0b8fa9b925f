package load

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"latencylab/harness/loadmode"
)

// settledCount is what a --requests window must add up to: responses plus
// the errors of requests (timeouts and failures).
func settledCount(res *Result) int64 {
	n := res.Summary.Requests
	for class, v := range res.Summary.Errors {
		if class != "connect" {
			n += v
		}
	}
	return n
}

func TestRequestsStopsAfterExactlyN(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cases := []struct {
		name  string
		conns int
		n     int64
		mode  loadmode.Mode
		rate  float64
	}{
		{"closed keep-alive, uneven split", 7, 1000, loadmode.Mode{Kind: loadmode.KeepAlive}, 0},
		{"closed pipelined", 5, 333, loadmode.Mode{Kind: loadmode.Pipeline, Depth: 4}, 0},
		{"closed close mode", 3, 120, loadmode.Mode{Kind: loadmode.Close}, 0},
		{"fewer requests than connections", 16, 5, loadmode.Mode{Kind: loadmode.KeepAlive}, 0},
		{"open loop", 4, 150, loadmode.Mode{Kind: loadmode.KeepAlive}, 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := quick(s.url("/"))
			cfg.Conns, cfg.Requests, cfg.Mode, cfg.Rate = tc.conns, tc.n, tc.mode, tc.rate
			cfg.Warmup, cfg.Duration = 100*time.Millisecond, time.Minute
			res := mustRun(t, cfg)
			sum := res.Summary
			if sum.Requests != tc.n || settledCount(res) != tc.n || sum.Statuses["200"] != tc.n {
				t.Fatalf("requests %d, settled %d, statuses %v, errors %v: want exactly %d",
					sum.Requests, settledCount(res), sum.Statuses, sum.Errors, tc.n)
			}
			// Other warnings (a generator that fell behind on a busy
			// machine) say nothing of the count.
			if sum.RequestsLimit != tc.n || res.Latency.TotalCount() != tc.n || anyContains(sum.Warnings, "time limit") {
				t.Errorf("requests_limit %d, latency samples %d, warnings %q", sum.RequestsLimit, res.Latency.TotalCount(), sum.Warnings)
			}
			if sum.DurationS > 10 {
				t.Errorf("window %.1fs: the count, not the one-minute limit, must end it", sum.DurationS)
			}
			if tc.rate > 0 {
				// The open-loop window is as long as n requests take at the rate.
				if want := float64(tc.n) / tc.rate; sum.DurationS < want*0.99 || sum.DurationS > want*1.01 {
					t.Errorf("open-loop window %.3fs, want %.3fs", sum.DurationS, want)
				}
			}
		})
	}
}

func TestRequestsTimeLimitComesFirst(t *testing.T) {
	s := startRaw(t, func(c net.Conn, r *bufio.Reader) { io.Copy(io.Discard, r) }) // never answers
	cfg := quick(s.url("/"))
	cfg.Requests, cfg.Duration, cfg.Timeout = 1000, 300*time.Millisecond, 100*time.Millisecond
	res := runExpectNothing(t, cfg)
	sum := res.Summary
	if settledCount(res) >= cfg.Requests || sum.Errors["timeout"] == 0 {
		t.Fatalf("settled %d, errors %v: want timeouts and fewer than %d", settledCount(res), sum.Errors, cfg.Requests)
	}
	if !anyContains(sum.Warnings, "the time limit came first") {
		t.Errorf("warnings %q: want the time limit named", sum.Warnings)
	}
}

func TestShardedRequestsMergeExactly(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.Conns, cfg.Rate, cfg.Requests, cfg.Warmup, cfg.Duration = 5, 1000, 401, 100*time.Millisecond, time.Minute
	paths := runAgents(t, cfg, 2, t.TempDir())
	m, err := Merge(paths)
	if err != nil {
		t.Fatal(err)
	}
	if sum := m.Summary; sum.Requests != 401 || sum.RequestsLimit != 401 || sum.Latency.Count != 401 {
		t.Fatalf("merged: requests %d, requests_limit %d, latency samples %d; want 401", sum.Requests, sum.RequestsLimit, sum.Latency.Count)
	}
	cfg.Rate, cfg.Shard = 0, Shard{Index: 0, Count: 2}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "open loop") {
		t.Errorf("closed-loop shards with requests: %v, want refused", err)
	}
}

func anyContains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
