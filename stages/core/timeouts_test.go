package core

import (
	"io"
	"testing"
	"time"
)

// TestSlowloris: a client trickling one byte at a time never completes a
// request; it is closed at the header timeout while another client keeps
// being served.
func TestSlowloris(t *testing.T) {
	s := start(t, Config{HeaderTimeout: 300 * time.Millisecond, IdleTimeout: 10 * time.Second}, &lineHandler{})
	slow := dial(t, s.r.Addr())
	good := dial(t, s.r.Addr())

	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, slow) // returns when the server closes it
		close(closed)
	}()
	served := 0
	for trickling := true; trickling; {
		select {
		case <-closed:
			trickling = false
		case <-time.After(ioTimeout):
			t.Fatal("slowloris connection was never closed")
		default:
			_, _ = slow.Write([]byte("a")) // fails harmlessly once closed
			roundTrip(t, good, "ok\n", "ok\n")
			served++
			time.Sleep(20 * time.Millisecond)
		}
	}
	roundTrip(t, good, "after\n", "after\n")
	if st := s.r.Stats(); st.Timeouts != 1 || st.ConnectionsActive != 1 {
		t.Fatalf("timeouts %d active %d, want 1 and 1 (good client kept)", st.Timeouts, st.ConnectionsActive)
	}
	t.Logf("good client served %d round trips while the slow one trickled", served)
}

func TestIdleTimeout(t *testing.T) {
	s := start(t, Config{IdleTimeout: 300 * time.Millisecond}, &lineHandler{})
	c := dial(t, s.r.Addr())
	roundTrip(t, c, "hi\n", "hi\n")
	expectClosed(t, c)
	s.waitActive(t, 0)
	if st := s.r.Stats(); st.Timeouts != 1 {
		t.Fatalf("timeouts %d, want 1", st.Timeouts)
	}
}

// TestWriteTimeout: the peer requests 8 MiB and never reads; the pending
// output cannot drain and the connection is closed at the write timeout.
func TestWriteTimeout(t *testing.T) {
	s := start(t, Config{WriteTimeout: 300 * time.Millisecond, PendingMax: 16 << 20}, &lineHandler{})
	c := dial(t, s.r.Addr())
	if _, err := io.WriteString(c, "big 8388608\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "write timeout", func() bool { return s.r.Stats().Timeouts == 1 })
	s.waitActive(t, 0)
}

// TestPendingMax: output beyond PendingMax closes the connection without
// waiting for any timer.
func TestPendingMax(t *testing.T) {
	s := start(t, Config{PendingMax: 64 << 10}, &lineHandler{})
	c := dial(t, s.r.Addr())
	if _, err := io.WriteString(c, "big 8388608\n"); err != nil {
		t.Fatal(err)
	}
	s.waitActive(t, 0)
	n, _ := io.Copy(io.Discard, c)
	if n >= 8<<20 {
		t.Fatalf("client received all %d bytes; want a cut-off response", n)
	}
	if st := s.r.Stats(); st.Timeouts != 0 {
		t.Fatalf("closed by a timer (%d), want by PendingMax", st.Timeouts)
	}
}

// TestHeaderTimeoutFreshConn: a connection that never sends a byte is
// guarded by the header timeout from accept on.
func TestHeaderTimeoutFreshConn(t *testing.T) {
	s := start(t, Config{HeaderTimeout: 200 * time.Millisecond}, &lineHandler{})
	c := dial(t, s.r.Addr())
	expectClosed(t, c)
	s.waitActive(t, 0)
}
