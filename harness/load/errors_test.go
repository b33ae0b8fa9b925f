package load

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// resetAt closes c with an RST (SO_LINGER 0).
func resetAt(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// A timeout carries a message, in the text and in the JSON.
func TestTimeoutHasAMessage(t *testing.T) {
	s := startRaw(t, func(c net.Conn, r *bufio.Reader) { _, _ = r.ReadByte(); time.Sleep(500 * time.Millisecond) })
	cfg := quick(s.url("/"))
	cfg.Timeout = 100 * time.Millisecond
	res := runExpectNothing(t, cfg)
	msg := res.Summary.Extra["errors_first_message"]
	if res.Summary.Errors["timeout"] == 0 || !strings.Contains(msg, "timeout: no complete response within 100ms") {
		t.Fatalf("errors %v, first message %q", res.Summary.Errors, msg)
	}
	if typed := res.Summary.ErrorMessages["timeout"]; !strings.Contains(typed, "no complete response within 100ms") {
		t.Errorf("error_messages[timeout] = %q", typed)
	}
}

// A server that resets every connection as soon as it is accepted: in open
// loop the requests of the window are never sent, and that is an error of
// the window (unsent), with a message, not "errors none".
func TestResettingServerIsAnError(t *testing.T) {
	s := startRaw(t, func(c net.Conn, _ *bufio.Reader) { resetAt(c) })
	cfg := quick(s.url("/"))
	cfg.Rate, cfg.Duration = 500, 500*time.Millisecond
	res := runExpectNothing(t, cfg)
	sum := res.Summary
	var total int64
	for _, n := range sum.Errors {
		total += n
	}
	if total == 0 || sum.Errors["unsent"] == 0 {
		t.Fatalf("errors %v: a server that resets everything must show errors of the window", sum.Errors)
	}
	if !strings.Contains(sum.Extra["errors_first_message"], "unsent: scheduled in the window but never sent") {
		t.Errorf("first messages %q", sum.Extra["errors_first_message"])
	}
	var b strings.Builder
	res.WriteText(&b)
	if strings.Contains(b.String(), "errors       none") {
		t.Errorf("the text says no errors:\n%s", b.String())
	}
}

// The keep-alive race ends alike whether the server's close is a FIN or
// an RST: a server that answers one request per connection and then
// closes (either way) has its next request retried on a new connection,
// counted as closed between responses, never as an error.
func TestCloseBetweenResponsesIsRetriedEitherWay(t *testing.T) {
	for name, closer := range map[string]func(net.Conn, *bufio.Reader){
		"fin": lingeringClose,
		"rst": func(c net.Conn, _ *bufio.Reader) { time.Sleep(time.Millisecond); resetAt(c) },
	} {
		t.Run(name, func(t *testing.T) {
			s := startRaw(t, func(c net.Conn, r *bufio.Reader) {
				if _, err := readRequest(r); err != nil {
					return
				}
				// No Connection: close, so the client may send its next
				// request before it sees the close.
				if _, err := c.Write([]byte(okResponse)); err != nil {
					return
				}
				closer(c, r)
			})
			sum := mustRun(t, quick(s.url("/"))).Summary
			if sum.Requests == 0 || sum.Extra["closed_between"] == "0" {
				t.Fatalf("requests %d, closed between responses %s", sum.Requests, sum.Extra["closed_between"])
			}
			if g := sum.Generator; g == nil || strconv.FormatInt(g.ClosedBetween, 10) != sum.Extra["closed_between"] || g.Connects < 1 || g.Loop == "" {
				t.Errorf("typed generator %+v does not match extra %v", g, sum.Extra)
			}
			for class, n := range sum.Errors {
				if n != 0 {
					t.Errorf("%s errors %d: the race is not an error", class, n)
				}
			}
		})
	}
}

// With no sample, the JSON says so (count 0) and keeps the statuses key.
func TestNoSamplesIsExplicit(t *testing.T) {
	s := startRaw(t, fixed("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"))
	cfg := quick(s.url("/"))
	cfg.Timeout = 200 * time.Millisecond
	// 500s are responses, so they are samples; a server that never answers
	// gives none at all.
	silent := startRaw(t, func(c net.Conn, r *bufio.Reader) { time.Sleep(time.Second) })
	scfg := quick(silent.url("/"))
	scfg.Timeout, scfg.Duration = 2*time.Second, 200*time.Millisecond
	res := runExpectNothing(t, scfg)
	var b strings.Builder
	if err := res.EncodeJSON(&b); err != nil {
		t.Fatal(err)
	}
	js := b.String()
	for _, want := range []string{`"latency_ns": {
    "count": 0`, `"statuses": {}`, `"interrupted": false`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if sum := runExpectNothing(t, cfg).Summary; sum.Latency.Count == 0 || sum.Statuses["500"] == 0 {
		t.Errorf("500s: latency count %d, statuses %v", sum.Latency.Count, sum.Statuses)
	}
}

// A run cancelled in its window is marked interrupted.
func TestInterruptedIsMarked(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.Duration = 10 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Summary.Interrupted {
		t.Fatal("a cancelled run is not marked interrupted")
	}
	if !strings.Contains(strings.Join(res.Summary.Warnings, "\n"), "interrupted") {
		t.Errorf("warnings %v", res.Summary.Warnings)
	}
	if res := mustRun(t, quick(s.url("/"))); res.Summary.Interrupted {
		t.Error("a complete run is marked interrupted")
	}
}
