package core

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEchoRoundTripIPv4(t *testing.T) {
	s := start(t, Config{NoDelay: true}, echoHandler{})
	c := dial(t, s.r.Addr())
	for _, msg := range []string{"a", "hello", strings.Repeat("x", 50_000)} {
		roundTrip(t, c, msg, msg)
	}
	if !strings.HasPrefix(s.r.Addr(), "127.0.0.1:") || strings.HasSuffix(s.r.Addr(), ":0") {
		t.Fatalf("Addr() = %q: want the resolved port", s.r.Addr())
	}
}

func TestEchoRoundTripIPv6(t *testing.T) {
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		l.Close()
	}
	s := start(t, Config{Addr: "[::1]:0"}, echoHandler{})
	if !strings.HasPrefix(s.r.Addr(), "[::1]:") {
		t.Fatalf("Addr() = %q", s.r.Addr())
	}
	roundTrip(t, dial(t, s.r.Addr()), "six", "six")
}

func TestBadAddr(t *testing.T) {
	for _, a := range []string{"nohost", "example.invalid:80", "127.0.0.1:99999"} {
		if r, err := New(Config{Addr: a}, echoHandler{}); err == nil {
			r.Close()
			t.Errorf("New(%q) succeeded", a)
		}
	}
}

// TestLargePayloadPartialWrites echoes 8 MiB while the client does not read
// for a while: the server's writes go partial, output is queued, EPOLLOUT is
// armed, reading pauses (backpressure), and everything arrives intact.
func TestLargePayloadPartialWrites(t *testing.T) {
	s := start(t, Config{}, echoHandler{})
	c := dial(t, s.r.Addr())
	payload := make([]byte, 8<<20)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	before := s.r.Stats()
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(payload)
		werr <- err
	}()
	time.Sleep(200 * time.Millisecond) // let the server's send queue fill
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) {
		t.Fatal("echoed payload differs")
	}
	after := s.r.Stats()
	if arms := after.Syscalls[SysEpollCtl] - before.Syscalls[SysEpollCtl]; arms < 2 && !onUring() {
		t.Fatalf("epoll_ctl delta %d: EPOLLOUT never armed and disarmed", arms)
	}
	if after.BytesSent-before.BytesSent != uint64(len(payload)) {
		t.Fatalf("BytesSent delta %d, want %d", after.BytesSent-before.BytesSent, len(payload))
	}
}

// TestPipelined sends many requests in one write; answers come in order.
func TestPipelined(t *testing.T) {
	s := start(t, Config{ReadBufferSize: 1024}, &lineHandler{})
	c := dial(t, s.r.Addr())
	var req strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&req, "req-%d\n", i)
	}
	go io.WriteString(c, req.String())
	br := bufio.NewReader(c)
	for i := range 2000 {
		if got, want := readLine(t, br), fmt.Sprintf("req-%d\n", i); got != want {
			t.Fatalf("answer %d = %q, want %q", i, got, want)
		}
	}
}

// TestReadBufferGrowth: a request larger than the first buffer grows it; one
// larger than ReadBufferMax closes the connection.
func TestReadBufferGrowth(t *testing.T) {
	s := start(t, Config{ReadBufferSize: 1024, ReadBufferMax: 8192}, &lineHandler{})
	c := dial(t, s.r.Addr())
	long := strings.Repeat("L", 5000) + "\n"
	roundTrip(t, c, long, long)
	if _, err := io.WriteString(c, strings.Repeat("M", 10_000)); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, c)
	s.waitActive(t, 0)
}

// TestCloseAfterWriteDeliversResponse: after a "bad request" the rest of the
// input (a megabyte of pipelined junk) is never processed, yet the client
// reads the full response and a clean EOF — no RST destroys it.
func TestCloseAfterWriteDeliversResponse(t *testing.T) {
	h := &lineHandler{}
	s := start(t, Config{}, h)
	c := dial(t, s.r.Addr())
	junk := strings.Repeat("junk\n", 1_000_000) // 5 MB: more than the socket buffers hold
	go io.WriteString(c, "first\nquit\n"+junk)
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read after CloseAfterWrite: %v (got %q)", err, got)
	}
	if string(got) != "first\nbye\n" {
		t.Fatalf("got %q, want %q", got, "first\nbye\n")
	}
	c.Close()
	s.waitActive(t, 0)
	if lines := h.seen(); len(lines) != 2 {
		t.Fatalf("handler processed %d lines (%q...), want 2: input after CloseAfterWrite was processed",
			len(lines), lines[:min(len(lines), 4)])
	}
	if s.r.Stats().Syscalls[SysShutdown] == 0 {
		t.Fatal("no shutdown(SHUT_WR) before close")
	}
}

// TestPeerHalfClose: the peer sends requests and shuts its write side; every
// response still arrives before the server closes.
func TestPeerHalfClose(t *testing.T) {
	s := start(t, Config{}, &lineHandler{})
	c := dial(t, s.r.Addr())
	if _, err := io.WriteString(c, "a\nbig 3000000\nb\n"); err != nil {
		t.Fatal(err)
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	want := "a\n" + strings.Repeat("z", 3_000_000) + "b\n"
	if string(got) != want {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
	s.waitActive(t, 0)
}

// TestBigResponseThenClose: a response of megabytes followed by the
// connection's close arrives whole before the FIN, even when the client
// starts reading only later (the send goes out in several parts).
func TestBigResponseThenClose(t *testing.T) {
	s := start(t, Config{}, &lineHandler{})
	c := dial(t, s.r.Addr())
	const n = 4 << 20
	if _, err := io.WriteString(c, "big "+strconv.Itoa(n)+"\nquit\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the server's socket buffer fill first
	got, err := io.ReadAll(c)
	if err != nil || len(got) != n+len("bye\n") || string(got[n:]) != "bye\n" {
		t.Fatalf("read %d bytes (%v), want %d and bye", len(got), err, n+4)
	}
}

// TestAnsweredWhenShortOfMemory: with the growth share of the memory
// budget held by requests in progress, a new connection's request still
// gets its answer: its first read buffer and its first output buffer may
// use the whole budget.
func TestAnsweredWhenShortOfMemory(t *testing.T) {
	cfg := Config{Engine: testEngine, ReadBufferSize: 16 << 10, RecvBuffers: 16}
	cfg.MemoryMax = 256<<10 + cfg.RingMemory()
	s := start(t, cfg, &lineHandler{})
	for range 14 { // 14 × 16 KiB: the growth share, 7/8 of 256 KiB
		hold := dial(t, s.r.Addr())
		if _, err := io.WriteString(hold, "a line that never ends"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the partial requests to hold their buffers", func() bool {
		return s.r.Stats().MemoryHeld >= uint64(cfg.RingMemory()+14*cfg.ReadBufferSize)
	})
	c := dial(t, s.r.Addr())
	roundTrip(t, c, "hello\n", "hello\n")
}

// TestLargeResponseBehindASmallOne: a small response and a large one in
// the same turn both arrive whole and in order (under io_uring the small
// one waits for the turn's send, and the large one must not overtake it
// or count with it against PendingMax).
func TestLargeResponseBehindASmallOne(t *testing.T) {
	s := start(t, Config{}, &lineHandler{})
	c := dial(t, s.r.Addr())
	const n = 5_000_000 // over PendingMax with the small one
	if _, err := io.WriteString(c, "a\nbig "+strconv.Itoa(n)+"\nquit\n"); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	want := "a\n" + strings.Repeat("z", n) + "bye\n"
	if err != nil || string(got) != want {
		t.Fatalf("read %d of %d bytes (%v)", len(got), len(want), err)
	}
}
