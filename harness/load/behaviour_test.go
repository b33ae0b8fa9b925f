package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latencylab/harness/loadmode"
)

func TestContentLengthAndKeepAlive(t *testing.T) {
	var served atomic.Int64
	s := startRaw(t, respondEach(func(int, string) (string, bool) {
		served.Add(1)
		return okResponse, false
	}))
	res := mustRun(t, quick(s.url("/plaintext")))
	sum := res.Summary
	if sum.Requests < 10 || sum.Statuses["200"] != sum.Requests {
		t.Fatalf("requests %d statuses %v", sum.Requests, sum.Statuses)
	}
	if sum.Connected != 2 || s.accepted.Load() != 2 {
		t.Errorf("connected %d, server accepted %d; want 2 and 2", sum.Connected, s.accepted.Load())
	}
	// Every counted response was served; at most one per connection was
	// still in flight when the run stopped.
	if got, n := sum.Requests+sum.WarmupReqs, served.Load(); got > n || got < n-2 {
		t.Errorf("counted %d responses, server served %d", got, n)
	}
	if n := res.Latency.TotalCount(); n != sum.Requests {
		t.Errorf("latency histogram holds %d samples for %d requests", n, sum.Requests)
	}
	assertNoErrors(t, sum.Errors)
}

func TestChunkedWithExtensionsAndTrailers(t *testing.T) {
	s := startRaw(t, fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"5;ext=1\r\nHello\r\n8 ; a=b\r\n, World!\r\n0\r\nX-Checksum: 42\r\n\r\n"))
	sum := mustRun(t, quick(s.url("/"))).Summary
	if sum.Requests < 10 {
		t.Fatalf("requests %d", sum.Requests)
	}
	assertNoErrors(t, sum.Errors)
}

func TestHeadHasNoBody(t *testing.T) {
	s := startRaw(t, respondEach(func(_ int, method string) (string, bool) {
		if method != "HEAD" {
			return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", true
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n", false
	}))
	cfg := quick(s.url("/plaintext"))
	cfg.Method = "HEAD"
	sum := mustRun(t, cfg).Summary
	if sum.Requests < 10 || sum.Statuses["200"] != sum.Requests {
		t.Fatalf("requests %d statuses %v", sum.Requests, sum.Statuses)
	}
	assertNoErrors(t, sum.Errors)
}

// Pipelined requests behind a Connection: close response were never
// answered; they go out again on the next connection, without errors.
func TestConnectionCloseReconnects(t *testing.T) {
	s := startRaw(t, respondEach(func(seq int, _ string) (string, bool) {
		if seq == 2 { // every third response ends the connection
			return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	}))
	for _, mode := range []loadmode.Mode{{Kind: loadmode.KeepAlive}, {Kind: loadmode.Pipeline, Depth: 4}} {
		before := s.accepted.Load()
		cfg := quick(s.url("/"))
		cfg.Mode = mode
		sum := mustRun(t, cfg).Summary
		assertNoErrors(t, sum.Errors)
		if accepted := s.accepted.Load() - before; sum.Requests < 30 || accepted < sum.Requests/3 {
			t.Fatalf("%v: requests %d, connections accepted %d: want a reconnect every 3 requests", mode, sum.Requests, accepted)
		}
		if sum.Connected != 2 {
			t.Errorf("%v: connected %d, want 2 slots", mode, sum.Connected)
		}
	}
}

func TestCloseDelimitedBody(t *testing.T) {
	s := startRaw(t, respondEach(func(int, string) (string, bool) {
		return "HTTP/1.0 200 OK\r\n\r\nbody until the server closes", true
	}))
	sum := mustRun(t, quick(s.url("/"))).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 10 {
		t.Fatalf("requests %d", sum.Requests)
	}
}

func TestInterimResponsesSkipped(t *testing.T) {
	s := startRaw(t, fixed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"+okResponse))
	sum := mustRun(t, quick(s.url("/"))).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 10 || sum.Statuses["200"] != sum.Requests || len(sum.Statuses) != 1 {
		t.Fatalf("requests %d statuses %v", sum.Requests, sum.Statuses)
	}
}

func TestGarbageIsParseError(t *testing.T) {
	s := startRaw(t, fixed("SMTP ready\r\n\r\n"))
	res := runExpectNothing(t, quick(s.url("/")))
	if res.Summary.Errors["parse"] == 0 {
		t.Fatalf("errors %v: want parse errors", res.Summary.Errors)
	}
}

func TestMidResponseCloseIsReadError(t *testing.T) {
	s := startRaw(t, respondEach(func(seq int, _ string) (string, bool) {
		if seq == 1 {
			return "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncut short", true
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	}))
	sum := mustRun(t, quick(s.url("/"))).Summary
	if sum.Errors["read"] == 0 || sum.Requests == 0 {
		t.Fatalf("errors %v requests %d: want read errors and responses", sum.Errors, sum.Requests)
	}
	if sum.Errors["parse"] != 0 {
		t.Errorf("parse errors %d", sum.Errors["parse"])
	}
}

func TestStatusErrorsCounted(t *testing.T) {
	s := startRaw(t, respondEach(func(seq int, _ string) (string, bool) {
		if seq%2 == 1 {
			return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false
		}
		return okResponse, false
	}))
	sum := mustRun(t, quick(s.url("/"))).Summary
	if sum.Errors["status_503"] == 0 || sum.Errors["status_503"] != sum.Statuses["503"] {
		t.Fatalf("errors %v statuses %v", sum.Errors, sum.Statuses)
	}
	if sum.Statuses["200"]+sum.Statuses["503"] != sum.Requests {
		t.Errorf("statuses %v do not add up to %d requests", sum.Statuses, sum.Requests)
	}
}

func TestRefusedPortIsConnectError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	res := runExpectNothing(t, quick("http://"+addr+"/"))
	if res.Summary.Errors["connect"] == 0 || res.Summary.Connected != 0 {
		t.Fatalf("errors %v connected %d", res.Summary.Errors, res.Summary.Connected)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

func TestTimeoutRecordedAsLatency(t *testing.T) {
	s := startRaw(t, func(c net.Conn, r *bufio.Reader) { io.Copy(io.Discard, r) }) // never answers
	cfg := quick(s.url("/"))
	cfg.Timeout = 100 * time.Millisecond
	cfg.Duration = 500 * time.Millisecond
	res := runExpectNothing(t, cfg)
	if n := res.Summary.Errors["timeout"]; n == 0 {
		t.Fatalf("errors %v: want timeouts", res.Summary.Errors)
	}
	if res.Latency.TotalCount() != res.Summary.Errors["timeout"] || res.Latency.Min() < int64(cfg.Timeout)*99/100 {
		t.Errorf("latency samples %d (min %v) for %d timeouts: each must be a sample >= the timeout",
			res.Latency.TotalCount(), time.Duration(res.Latency.Min()), res.Summary.Errors["timeout"])
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string]string{
		"ftp://127.0.0.1/":       "unsupported scheme",
		"127.0.0.1:80/":          "bad URL",
		"http:///path":           "no host",
		"http://127.0.0.1:0/":    "port",
		"http://exa mple.com/":   "bad URL",
		"http://127.0.0.1:99999": "port",
	}
	for url, want := range cases {
		_, err := Run(t.Context(), quick(url))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want it to mention %q", url, err, want)
		}
	}
	cfg := quick("http://127.0.0.1:1/")
	cfg.Headers = []string{"Content-Length: 3"}
	if err := cfg.Validate(); err == nil {
		t.Error("a framing header was accepted")
	}
	cfg.Headers, cfg.Conns = nil, 0
	if err := cfg.Validate(); err == nil {
		t.Error("0 conns accepted")
	}
	// A vanishing rate once overflowed the schedule and spun forever.
	cfg.Conns, cfg.Rate = 64, 1e-9
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "minimum") {
		t.Errorf("rate 1e-9 accepted: %v", err)
	}
}

// firstAtOrAfter stays exact across periods and ends quickly for any input.
func TestFirstAtOrAfter(t *testing.T) {
	for _, period := range []float64{1, 333.3, 1e6, 1e16} {
		p := &plan{open: true, periodNs: period}
		for _, at := range []int64{1, 7, 1_000_001, 5e15} {
			k := p.firstAtOrAfter(0, at)
			if p.intended(0, k) < at || (k > 0 && p.intended(0, k-1) >= at) {
				t.Errorf("period %v, t %d: k=%d is not the first at or after", period, at, k)
			}
		}
	}
}

func assertNoErrors(t *testing.T, errs map[string]int64) {
	t.Helper()
	for k, n := range errs {
		if n != 0 {
			t.Errorf("errors: %s %d (%v)", k, n, fmt.Sprint(errs))
		}
	}
}

// --spin: the loop polls before it sleeps; the results are the same kind.
func TestSpin(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.Spin = 50 * time.Microsecond
	sum := mustRun(t, cfg).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 100 {
		t.Fatalf("%d requests", sum.Requests)
	}
	cfg.Spin = 2 * time.Millisecond
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "spin") {
		t.Errorf("spin 2ms: %v", err)
	}
}
