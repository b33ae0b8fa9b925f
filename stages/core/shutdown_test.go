package core

import (
	"bufio"
	"io"
	"testing"
	"time"
)

// TestGracefulShutdown: idle connections close at once, an in-flight
// request finishes and gets its answer, then Serve returns nil well before
// the drain deadline.
func TestGracefulShutdown(t *testing.T) {
	const drain = 10 * time.Second
	s := start(t, Config{DrainTimeout: drain}, &lineHandler{})
	idle := dial(t, s.r.Addr())
	busy := dial(t, s.r.Addr())
	roundTrip(t, idle, "one\n", "one\n")
	if _, err := io.WriteString(busy, "hal"); err != nil { // a request in progress
		t.Fatal(err)
	}
	waitFor(t, "partial request read", func() bool { return s.r.Stats().BytesReceived >= 7 })
	silent := dial(t, s.r.Addr()) // connected, never sends a byte
	waitFor(t, "silent connection accepted", func() bool { return s.r.Stats().ConnectionsAccepted >= 3 })

	began := time.Now()
	s.r.Shutdown()
	expectClosed(t, idle)
	expectClosed(t, silent) // no request in progress: closed at once, not at the deadline
	select {
	case err := <-s.done:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	default:
	}
	if _, err := io.WriteString(busy, "f\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(busy)
	if got := readLine(t, br); got != "half\n" {
		t.Fatalf("in-flight answer %q", got)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Fatalf("after the last answer: %q, %v; want EOF", rest, err)
	}
	busy.Close() // the server lingers for our FIN after its shutdown(SHUT_WR)
	if err := s.wait(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if el := time.Since(began); el >= drain {
		t.Fatalf("Serve returned after %v: drained by force, not by completion", el)
	}
	if _, err := dialErr(s.r.Addr()); err == nil {
		t.Fatal("listener still accepting after Shutdown")
	}
}

// TestShutdownForcesAtDeadline: a request that never completes is cut off at
// DrainTimeout and Serve returns.
func TestShutdownForcesAtDeadline(t *testing.T) {
	const drain = 300 * time.Millisecond
	s := start(t, Config{DrainTimeout: drain}, &lineHandler{})
	stuck := dial(t, s.r.Addr())
	if _, err := io.WriteString(stuck, "never finished"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "partial request read", func() bool { return s.r.Stats().BytesReceived > 0 })
	began := time.Now()
	s.r.Shutdown()
	if err := s.wait(t); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(began); el < drain-20*time.Millisecond {
		t.Fatalf("Serve returned after %v, before the %v drain deadline", el, drain)
	}
	expectClosed(t, stuck)
	if st := s.r.Stats(); st.ConnectionsActive != 0 {
		t.Fatalf("%d connections left active", st.ConnectionsActive)
	}
}

func TestShutdownBeforeServe(t *testing.T) {
	r, err := New(Config{Addr: "127.0.0.1:0", Engine: testEngine}, echoHandler{})
	if err != nil {
		t.Fatal(err)
	}
	r.Shutdown()
	if err := r.Serve(); err != nil {
		t.Fatal(err)
	}
	if err := r.Serve(); err != ErrServed {
		t.Fatalf("second Serve: %v, want ErrServed", err)
	}
}

func TestCloseImmediate(t *testing.T) {
	s := start(t, Config{}, &lineHandler{})
	a := dial(t, s.r.Addr())
	b := dial(t, s.r.Addr())
	io.WriteString(b, "partial")
	s.waitActive(t, 2)
	s.r.Close()
	if err := s.wait(t); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, a)
	expectClosed(t, b)
	s.r.Close() // idempotent
}
