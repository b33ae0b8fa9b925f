package echo_test

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"latencylab/stages/core"
	"latencylab/stages/echo"
)

var _ core.Handler = echo.Handler{}

func serve(t *testing.T) *core.Reactor {
	t.Helper()
	r, err := core.New(core.Config{Addr: "127.0.0.1:0", NoDelay: true}, echo.New())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Serve() }()
	t.Cleanup(func() {
		r.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return r
}

// dial connects to r with a deadline that bounds the test.
func dial(t *testing.T, r interface{ Addr() string }) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func TestEchoRoundTrips(t *testing.T) {
	c := dial(t, serve(t))
	for _, msg := range []string{"a", "hello", "Phase 1\n", string(bytes.Repeat([]byte("x"), 100_000))} {
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if string(got) != msg {
			t.Fatalf("echo of %d bytes differs", len(msg))
		}
	}
}

func TestEchoGracefulShutdown(t *testing.T) {
	r := serve(t)
	c := dial(t, r)
	if _, err := io.WriteString(c, "ping"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		t.Fatalf("got %q, %v", got, err)
	}
	r.Shutdown()
	if n, err := c.Read(got); err != io.EOF {
		t.Fatalf("idle connection after Shutdown: read %d, %v; want EOF", n, err)
	}
}
