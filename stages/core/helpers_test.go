package core

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ioTimeout bounds every client read/write so a bug fails a test instead of
// hanging it. It is a safety net, not a speed assertion.
const ioTimeout = 15 * time.Second

// server is a reactor serving on a goroutine for one test.
type server struct {
	r    *Reactor
	done chan error
}

func start(t *testing.T, cfg Config, h Handler) *server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	cfg.Engine = testEngine
	r, err := New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{r: r, done: make(chan error, 1)}
	go func() { s.done <- r.Serve() }()
	t.Cleanup(func() {
		r.Close()
		if err := s.wait(t); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

// wait returns Serve's result (once; later calls return nil).
func (s *server) wait(t *testing.T) error {
	t.Helper()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(ioTimeout):
		t.Fatal("Serve did not return")
		return nil
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and reads exactly want back.
func roundTrip(t *testing.T, c net.Conn, msg, want string) {
	t.Helper()
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v (got %q)", err, got)
	}
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// expectClosed reads until the server's close shows: EOF or a reset.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection was not closed: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s *server) waitActive(t *testing.T, n uint64) {
	t.Helper()
	waitFor(t, "active connections == "+strconv.FormatUint(n, 10), func() bool {
		return s.r.Stats().ConnectionsActive == n
	})
}

// echoHandler echoes everything, like stages/echo (which cannot be imported
// here without a cycle in the internal test package).
type echoHandler struct{}

func (echoHandler) Open(*Conn) {}
func (echoHandler) Data(c *Conn, in []byte) int {
	c.Write(in)
	if c.Draining() {
		c.CloseAfterWrite()
	}
	return len(in)
}
func (echoHandler) Close(*Conn) {}

// lineHandler answers complete '\n'-terminated lines and leaves a partial
// line unconsumed, so a request can be "in progress" (PhaseReading).
//
//	quit    → "bye\n", then CloseAfterWrite
//	big N   → N bytes of 'z' in one Write
//	other   → the line echoed
//
// It records every line it processed (from the reactor goroutine) for the
// test goroutine, hence the mutex.
type lineHandler struct {
	mu    sync.Mutex
	lines []string
}

func (h *lineHandler) Open(*Conn)  {}
func (h *lineHandler) Close(*Conn) {}

func (h *lineHandler) Data(c *Conn, in []byte) int {
	consumed := 0
	for {
		i := bytes.IndexByte(in[consumed:], '\n')
		if i < 0 {
			return consumed
		}
		line := string(in[consumed : consumed+i])
		consumed += i + 1
		h.record(line)
		h.answer(c, line)
		if c.Draining() || line == "quit" {
			c.CloseAfterWrite()
			return consumed
		}
	}
}

func (h *lineHandler) answer(c *Conn, line string) {
	switch {
	case line == "quit":
		c.Write([]byte("bye\n"))
	case strings.HasPrefix(line, "big "):
		n, _ := strconv.Atoi(line[4:])
		c.Write(bytes.Repeat([]byte("z"), n))
	default:
		c.Write([]byte(line + "\n"))
	}
}

func (h *lineHandler) record(line string) {
	h.mu.Lock()
	h.lines = append(h.lines, line)
	h.mu.Unlock()
}

func (h *lineHandler) seen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.lines...)
}

// readLine reads one '\n'-terminated line.
func readLine(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	s, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read line: %v (got %q)", err, s)
	}
	return s
}

func dialErr(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return c, err
}
