package core

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestTableGenerations(t *testing.T) {
	var tb table
	c1 := tb.open(5)
	g1 := c1.gen
	if got := tb.lookup(5, g1); got != c1 {
		t.Fatalf("lookup(5, %d) = %p, want %p", g1, got, c1)
	}
	tb.release(c1)
	if tb.lookup(5, g1) != nil {
		t.Fatal("closed connection still found")
	}
	c2 := tb.open(5) // the kernel reused fd 5
	if c2 != c1 {
		t.Fatal("slot not reused: accept would allocate")
	}
	if c2.gen == g1 {
		t.Fatal("generation not bumped on reuse")
	}
	if tb.lookup(5, g1) != nil {
		t.Fatal("stale event for the old connection reaches the new one")
	}
	if tb.lookup(5, c2.gen) != c2 {
		t.Fatal("current event not delivered")
	}
	for _, fd := range []int{-1, 4, 6, 1 << 20} {
		if tb.lookup(fd, c2.gen) != nil {
			t.Fatalf("lookup of unopened fd %d found a connection", fd)
		}
	}
	if g := nextGen(maxGen); g != 1 {
		t.Fatalf("nextGen(maxGen) = %d, want wrap to 1 (positive Pad)", g)
	}
}

// countingHandler counts callbacks; used without Serve, on the test goroutine.
type countingHandler struct{ opens, datas, closes int }

func (h *countingHandler) Open(*Conn)                  { h.opens++ }
func (h *countingHandler) Data(_ *Conn, in []byte) int { h.datas++; return len(in) }
func (h *countingHandler) Close(*Conn)                 { h.closes++ }

// reuseFd stages an fd reuse: a connection is admitted on a socket and
// closed, and the next socket gets the same fd (the kernel hands out the
// lowest free one) and is admitted. It returns that fd, the closed
// connection's generation and the new socket's peer.
func reuseFd(t *testing.T, r *Reactor) (fd int, oldGen uint32, peer int) {
	t.Helper()
	pair := func() [2]int {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fds[1]) })
		return [2]int{fds[0], fds[1]}
	}
	first := pair()
	fd = first[0]
	r.admit(fd)
	old := r.table.lookup(fd, r.table.slots[fd].gen)
	if old == nil {
		t.Fatal("admitted connection not in table")
	}
	oldGen = old.gen
	r.closeConn(old)
	if r.ur != nil { // the close waits for the enter that submits the cancels
		if err := r.enterRing(0); err != nil {
			t.Fatal(err)
		}
		r.closeDeferred()
	}
	second := pair()
	if second[0] != fd {
		t.Skipf("fd not reused (%d != %d); cannot stage a reuse", second[0], fd)
	}
	r.admit(fd)
	return fd, oldGen, second[1]
}

// TestStaleEventIgnored drives dispatch directly: an event queued for a
// closed connection must not reach the next connection on the same fd.
func TestStaleEventIgnored(t *testing.T) {
	if onUring() {
		t.Skip("epoll events only; TestStaleCompletionIgnored is the io_uring twin")
	}
	h := &countingHandler{}
	r, err := New(Config{Addr: "127.0.0.1:0", Engine: testEngine}, h)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer r.closeAll()
	r.tick()
	fd, oldGen, peer := reuseFd(t, r)
	if _, err := unix.Write(peer, []byte("x")); err != nil {
		t.Fatal(err)
	}
	stale := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd), Pad: int32(oldGen)}
	r.dispatch(&stale)
	if h.datas != 0 {
		t.Fatal("stale event delivered data to the new connection")
	}
	if s := r.Stats().StaleEvents; s != 1 {
		t.Fatalf("StaleEvents = %d, want 1", s)
	}
	cur := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd), Pad: int32(r.table.slots[fd].gen)}
	r.dispatch(&cur)
	if h.datas != 1 {
		t.Fatalf("current event: %d Data calls, want 1", h.datas)
	}
}

// TestTimerListsFIFO checks the intrusive per-phase lists: order, unlink
// from the middle, same-phase no-op, restart.
func TestTimerListsFIFO(t *testing.T) {
	r := &Reactor{}
	r.timers.init(Config{}.withDefaults())
	conns := make([]*Conn, 4)
	for i := range conns {
		c := r.table.open(10 + i)
		c.init(r, 10+i)
		conns[i] = c
		r.nowNs = int64(i) * int64(time.Millisecond)
		r.setPhase(c, PhaseIdle)
	}
	r.nowNs = int64(time.Second)
	r.setPhase(conns[0], PhaseIdle) // same phase: keeps its early deadline
	if r.head(PhaseIdle) != conns[0] {
		t.Fatal("same-phase setPhase moved the connection")
	}
	r.setPhase(conns[1], PhaseReading)  // unlink from the middle
	r.restartPhase(conns[0], PhaseIdle) // progress: to the tail
	var order []int
	for c := r.head(PhaseIdle); c != nil; {
		order = append(order, c.fd)
		if c.next == noFd {
			break
		}
		c = r.table.at(c.next)
	}
	want := []int{12, 13, 10}
	if len(order) != len(want) {
		t.Fatalf("idle list %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("idle list %v, want %v", order, want)
		}
	}
	// Reading (10s timeout, entered at 1s) expires before the idle head.
	if got, want := r.nextDeadline(), min(conns[1].deadline, conns[2].deadline); got != want {
		t.Fatalf("nextDeadline = %d, want %d (earliest head)", got, want)
	}
	for _, c := range conns {
		r.unlink(c)
	}
	if r.nextDeadline() != -1 {
		t.Fatal("empty lists still report a deadline")
	}
}
