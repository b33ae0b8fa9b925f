package core

import (
	"io"
	"net"
	"testing"
)

func TestSyscallMapKeys(t *testing.T) {
	var s Stats
	for k := range s.Syscalls {
		s.Syscalls[k] = uint64(k + 1)
	}
	m := s.SyscallMap()
	want := []string{"read", "write", "accept4", "close", "epoll_wait", "epoll_ctl", "setsockopt", "shutdown", "io_uring_enter"}
	if len(m) != len(want) {
		t.Fatalf("%d keys, want %d: %v", len(m), len(want), m)
	}
	for i, k := range want {
		if m[k] != uint64(i+1) {
			t.Fatalf("%s = %d, want %d", k, m[k], i+1)
		}
	}
}

// TestSyscallsPerRoundTrip: over one keep-alive connection, each
// request/response costs exactly one read and one write, and no epoll_ctl.
func TestSyscallsPerRoundTrip(t *testing.T) {
	const rounds = 1000
	s := start(t, Config{NoDelay: true, Buffers: NewPooledBuffers(0, 16)}, echoHandler{})
	c := dial(t, s.r.Addr())
	msg := "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n"
	for range 50 { // warm-up
		roundTrip(t, c, msg, msg)
	}
	before := s.r.Stats()
	for range rounds {
		roundTrip(t, c, msg, msg)
	}
	after := s.r.Stats()
	delta := func(k SyscallKind) uint64 { return after.Syscalls[k] - before.Syscalls[k] }
	if onUring() {
		uringRoundTrips(t, before, after, rounds)
		return
	}
	t.Logf("per round trip: read %.3f write %.3f epoll_wait %.3f epoll_ctl %.3f",
		float64(delta(SysRead))/rounds, float64(delta(SysWrite))/rounds,
		float64(delta(SysEpollWait))/rounds, float64(delta(SysEpollCtl))/rounds)
	if delta(SysRead) != rounds || delta(SysWrite) != rounds {
		t.Fatalf("reads %d writes %d over %d round trips, want exactly one each per round trip",
			delta(SysRead), delta(SysWrite), rounds)
	}
	if delta(SysEpollCtl) != 0 {
		t.Fatalf("epoll_ctl called %d times in steady state", delta(SysEpollCtl))
	}
	if setsock := after.Syscalls[SysSetsockopt]; setsock != 2 { // SO_REUSEADDR + one TCP_NODELAY
		t.Fatalf("setsockopt %d, want 2", setsock)
	}
}

// uringRoundTrips: under io_uring a lone client's round trip is a receive
// completion, a send request and its completion, and at most two enters
// (one that waits for the request, one that submits the answer); no read,
// write or epoll call. The counts may include one turn more or less: the
// send of the round trip before the first snapshot can complete after it.
func uringRoundTrips(t *testing.T, before, after Stats, rounds uint64) {
	t.Helper()
	delta := func(k SyscallKind) uint64 { return after.Syscalls[k] - before.Syscalls[k] }
	sqes, cqes := after.UringSQEs-before.UringSQEs, after.UringCQEs-before.UringCQEs
	t.Logf("per round trip: io_uring_enter %.3f, SQEs %.3f, CQEs %.3f",
		float64(delta(SysUringEnter))/float64(rounds), float64(sqes)/float64(rounds), float64(cqes)/float64(rounds))
	for _, k := range []SyscallKind{SysRead, SysWrite, SysEpollWait, SysEpollCtl} {
		if d := delta(k); d != 0 {
			t.Errorf("%s called %d times", k, d)
		}
	}
	if e := delta(SysUringEnter); e == 0 || e > 2*rounds+1 {
		t.Errorf("io_uring_enter %d times over %d round trips, want 1 to 2 each", e, rounds)
	}
	if sqes+1 < rounds || sqes > rounds+1 || cqes+1 < 2*rounds || cqes > 2*rounds+1 {
		t.Errorf("%d SQEs and %d CQEs over %d round trips, want one send, and its completion and a receive's, each", sqes, cqes, rounds)
	}
}

// echoAllocs measures heap allocations per request round trip, process
// wide (client included: a net.Conn round trip allocates nothing).
func echoAllocs(t *testing.T, buffers BufferPool) float64 {
	s := start(t, Config{Buffers: buffers}, echoHandler{})
	c := dial(t, s.r.Addr())
	msg := []byte("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n")
	got := make([]byte, len(msg))
	rt := func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
	}
	for range 200 {
		rt()
	}
	return testing.AllocsPerRun(2000, rt)
}

func TestZeroAllocsPooled(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	if a := echoAllocs(t, NewPooledBuffers(0, 16)); a != 0 {
		t.Fatalf("%.2f allocations per round trip with PooledBuffers, want 0", a)
	}
	// Sanity: the measurement sees the core's allocations at all.
	if a := echoAllocs(t, HeapBuffers{}); a < 1 {
		t.Fatalf("%.2f allocations per round trip with HeapBuffers, want ≥ 1", a)
	}
}

func BenchmarkEchoRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name string
		buf  func() BufferPool
	}{
		{"heap", func() BufferPool { return HeapBuffers{} }},
		{"pooled", func() BufferPool { return NewPooledBuffers(0, 16) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := New(Config{Addr: "127.0.0.1:0", NoDelay: true, Buffers: bc.buf(), Engine: testEngine}, echoHandler{})
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- r.Serve() }()
			defer func() { r.Close(); <-done }()
			c, err := net.Dial("tcp", r.Addr())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			msg := make([]byte, 64)
			got := make([]byte, 64)
			before := r.Stats()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, got); err != nil {
					b.Fatal(err)
				}
			}
			after := r.Stats()
			n := float64(b.N)
			b.ReportMetric(float64(after.Syscalls[SysRead]-before.Syscalls[SysRead])/n, "reads/op")
			b.ReportMetric(float64(after.Syscalls[SysWrite]-before.Syscalls[SysWrite])/n, "writes/op")
			b.ReportMetric(float64(after.Syscalls[SysEpollWait]-before.Syscalls[SysEpollWait])/n, "epoll_waits/op")
		})
	}
}

func TestBufferPools(t *testing.T) {
	p := NewPooledBuffers(1024, 2)
	a, b, c := p.Get(1024), p.Get(1024), p.Get(1024)
	p.Put(a)
	p.Put(b)
	p.Put(c) // over maxKept: dropped
	if len(p.free) != 2 {
		t.Fatalf("kept %d, want 2", len(p.free))
	}
	if got := p.Get(512); &got[0] != &b[0] {
		t.Fatal("Get did not reuse the most recent buffer")
	}
	big := p.Get(4096)
	if len(big) != 4096 {
		t.Fatalf("oversize Get len %d", len(big))
	}
	p.Put(big) // wrong size: dropped
	if len(p.free) != 1 {
		t.Fatalf("kept %d after oversize Put, want 1", len(p.free))
	}
	if len(HeapBuffers{}.Get(100)) != 100 {
		t.Fatal("HeapBuffers.Get size")
	}
}
