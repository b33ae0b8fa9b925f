package core

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingEcho echoes and counts the connections it opened and closed: one
// per reactor, so a test can see where connections went.
type countingEcho struct {
	echoHandler
	opened, closed atomic.Int64
}

func (h *countingEcho) Open(*Conn)  { h.opened.Add(1) }
func (h *countingEcho) Close(*Conn) { h.closed.Add(1) }

type testGroup struct {
	g  *Group
	hs []*countingEcho
}

func startGroup(t *testing.T, n int, b Balance) *testGroup {
	t.Helper()
	tg := &testGroup{}
	g, err := NewGroup(GroupConfig{Reactors: n, Balance: b},
		func(int) Config { return Config{Addr: "127.0.0.1:0", Engine: testEngine} },
		func(int) Handler { h := &countingEcho{}; tg.hs = append(tg.hs, h); return h })
	if err != nil {
		t.Fatal(err)
	}
	tg.g = g
	done := make(chan error, 1)
	go func() { done <- g.Serve() }()
	t.Cleanup(func() {
		g.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(ioTimeout):
			t.Error("Serve did not return")
		}
	})
	return tg
}

func (tg *testGroup) opened() []int64 {
	out := make([]int64, len(tg.hs))
	for i, h := range tg.hs {
		out[i] = h.opened.Load()
	}
	return out
}

// exchange dials, sends a payload only this connection knows and checks
// that exactly it comes back, then closes.
func exchange(addr, payload string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(c, payload); err != nil {
		return err
	}
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if string(got) != payload {
		return fmt.Errorf("got %q, want %q", got, payload)
	}
	return nil
}

// TestGroupChurnLosesNothing: under every strategy, 8 clients open 600
// short connections between them, each with a payload of its own. Every
// one must come back intact, and the reactors together must have opened
// and closed exactly 600: none lost in a hand-off, none served twice.
func TestGroupChurnLosesNothing(t *testing.T) {
	const clients, each = 8, 75
	for _, b := range []Balance{BalanceReusePort, BalanceRoundRobin, BalanceLeastConn, BalanceLeastLatency, BalanceRandom} {
		t.Run(b.String(), func(t *testing.T) {
			tg := startGroup(t, 4, b)
			var wg sync.WaitGroup
			errs := make(chan error, clients*each)
			for c := range clients {
				wg.Go(func() {
					for k := range each {
						if err := exchange(tg.g.Addr(), fmt.Sprintf("client %d conn %d\n", c, k)); err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			waitFor(t, "every connection closed", func() bool { return tg.g.Stats().ConnectionsActive == 0 })
			var opened, closed int64
			for _, h := range tg.hs {
				opened += h.opened.Load()
				closed += h.closed.Load()
			}
			st := tg.g.Stats()
			if opened != clients*each || closed != opened || st.ConnectionsAccepted != clients*each {
				t.Fatalf("opened %d, closed %d, accepted %d; want %d each (per reactor %v)",
					opened, closed, st.ConnectionsAccepted, clients*each, tg.opened())
			}
		})
	}
}

// TestRoundRobinAndLeastConnSpreadEvenly: 40 connections opened one after
// the other and kept open land 10 on each of 4 reactors.
func TestRoundRobinAndLeastConnSpreadEvenly(t *testing.T) {
	for _, b := range []Balance{BalanceRoundRobin, BalanceLeastConn} {
		t.Run(b.String(), func(t *testing.T) {
			tg := startGroup(t, 4, b)
			for range 40 {
				roundTrip(t, dial(t, tg.g.Addr()), "x\n", "x\n") // admitted before the next dial
			}
			for i, n := range tg.opened() {
				if n != 10 {
					t.Fatalf("reactor %d opened %d of 40, want 10 (all: %v)", i, n, tg.opened())
				}
			}
		})
	}
}

// TestReusePortSpreads: with SO_REUSEPORT the kernel hashes 64
// connections over 4 listeners; all on one would be a 4^-63 chance.
func TestReusePortSpreads(t *testing.T) {
	tg := startGroup(t, 4, BalanceReusePort)
	for range 64 {
		roundTrip(t, dial(t, tg.g.Addr()), "y\n", "y\n")
	}
	busy := 0
	for _, n := range tg.opened() {
		if n > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Fatalf("64 connections reached %d listener(s): %v", busy, tg.opened())
	}
}

// TestGroupShutdownDrainsEveryReactor: connections on every reactor with
// a request in progress get their answer, then the group's Serve returns.
func TestGroupShutdownDrainsEveryReactor(t *testing.T) {
	g, err := NewGroup(GroupConfig{Reactors: 3, Balance: BalanceRoundRobin},
		func(int) Config {
			return Config{Addr: "127.0.0.1:0", DrainTimeout: 5 * time.Second, Engine: testEngine}
		},
		func(int) Handler { return &lineHandler{} })
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- g.Serve() }()
	var conns []net.Conn
	for range 6 {
		c := dial(t, g.Addr())
		roundTrip(t, c, "hi\n", "hi\n")
		if _, err := io.WriteString(c, "half a li"); err != nil { // a request in progress
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	g.Shutdown()
	for _, c := range conns {
		roundTrip(t, c, "ne\n", "half a line\n")
	}
	for _, c := range conns {
		c.Close()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(ioTimeout):
		t.Fatal("the group did not drain")
	}
	if _, err := net.DialTimeout("tcp", g.Addr(), time.Second); err == nil {
		t.Fatal("still accepting after Shutdown")
	}
}
