package core

import (
	"bytes"
	"golang.org/x/sys/unix"
	"io"
	"runtime"
	"testing"
	"time"

	"latencylab/stages/core/uring"
)

// onlyUring skips a test of the io_uring engine in the epoll pass.
func onlyUring(t *testing.T) {
	t.Helper()
	if !onUring() {
		t.Skip("io_uring engine only: runs in the package's io_uring pass")
	}
}

// ringReactor is a reactor with its ring, driven by the test itself (no
// Serve) on its goroutine's thread, which the ring belongs to; it skips
// in the epoll pass.
func ringReactor(t *testing.T, h Handler) *Reactor {
	t.Helper()
	onlyUring(t)
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread) // cleanups run last in, first out
	r, err := New(Config{Addr: "127.0.0.1:0", Engine: EngineUring}, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.releaseFds)
	t.Cleanup(r.closeAll)
	if err := r.openRing(); err != nil {
		t.Fatal(err)
	}
	r.tick()
	return r
}

// TestStaleCompletionIgnored: a completion for a closed connection (an
// old generation on a reused fd) reaches no handler, and the buffer it
// names goes back to the kernel; the current connection's does arrive.
func TestStaleCompletionIgnored(t *testing.T) {
	h := &countingHandler{}
	r := ringReactor(t, h)
	fd, oldGen, _ := reuseFd(t, r)
	// Buffers 0 and 1 stand for what the kernel filled: a test-made CQE
	// names them as a real one would.
	const flags = uring.CqeFBuffer | uring.CqeFMore
	r.ur.freed = 0
	r.complete(uring.CQE{UserData: userData(opRecv, fd, oldGen), Res: 1, Flags: flags})
	if h.datas != 0 || r.Stats().StaleEvents != 1 || r.ur.freed != 1 {
		t.Fatalf("stale completion: %d Data calls, %d stale, %d buffers back; want 0, 1, 1", h.datas, r.Stats().StaleEvents, r.ur.freed)
	}
	copy(r.ur.bufs.Buf(1), "x")
	r.complete(uring.CQE{UserData: userData(opRecv, fd, r.table.slots[fd].gen), Res: 1, Flags: flags | 1<<uring.CqeBufferShift})
	if h.datas != 1 || r.ur.freed != 2 {
		t.Fatalf("current completion: %d Data calls, %d buffers back; want 1, 2", h.datas, r.ur.freed)
	}
}

// bigReplyHandler answers every complete line with reply. Lines must
// come in order (itoaPad numbers them): one out of order fails the
// connection, which the client sees as a short read.
type bigReplyHandler struct {
	reply []byte
	next  *int // the next line number expected (one connection per test)
}

func (bigReplyHandler) Open(*Conn)  {}
func (bigReplyHandler) Close(*Conn) {}
func (h bigReplyHandler) Data(c *Conn, in []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(in[n:], '\n')
		if i < 0 {
			return n
		}
		if want := itoaPad(*h.next); string(in[n:n+i+1]) != want {
			c.fail()
			return n
		}
		*h.next++
		c.Write(h.reply)
		n += i + 1
	}
}

// TestUringBackpressureLosesNothing: a client that pipelines many
// requests and reads slowly makes the connection stash buffers until its
// receive is cancelled; the requests behind wait in the kernel, and once
// the client reads, every answer arrives, in order, none lost.
func TestUringBackpressureLosesNothing(t *testing.T) {
	onlyUring(t)
	const requests = 300
	reply := bytes.Repeat([]byte("r"), 8<<10)
	s := start(t, Config{RecvBuffers: 16, RecvBufferSize: 512}, bigReplyHandler{reply: reply, next: new(int)})
	c := dial(t, s.r.Addr())
	var burst []byte
	for i := range requests {
		burst = append(burst, []byte(itoaPad(i))...)
	}
	werr := make(chan error, 1)
	go func() { _, err := c.Write(burst); werr <- err }()
	time.Sleep(200 * time.Millisecond) // let the server fill up and pause
	got := make([]byte, requests*len(reply))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read %d answers: %v", requests, err)
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	s.r.Close()
	if err := s.wait(t); err != nil {
		t.Fatal(err)
	}
	if s.r.ur.paused == 0 {
		t.Error("the receive was never cancelled: backpressure untested")
	}
	if s.r.ur.stashPeak > stashMax {
		t.Errorf("a connection held %d receive buffers, over the bound of %d", s.r.ur.stashPeak, stashMax)
	}
	t.Logf("%d completions went to the overflow", s.r.ur.overflowed)
	st := s.r.Stats()
	if st.BytesReceived != uint64(len(burst)) || st.BytesSent != uint64(len(got)) {
		t.Fatalf("received %d of %d bytes, sent %d of %d", st.BytesReceived, len(burst), st.BytesSent, len(got))
	}
}

// itoaPad is a 32-byte request line: the burst is 300 × 32 bytes, many
// times what 16 buffers of 512 bytes hold.
func itoaPad(i int) string {
	s := "request " + string(rune('a'+i%26)) + " " + bytesOf(i)
	return s + string(bytes.Repeat([]byte{'.'}, 31-len(s))) + "\n"
}

func bytesOf(i int) string {
	var b []byte
	for ; i > 0 || len(b) == 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestUringBuffersRunDry: more busy connections than receive buffers.
// The receives that find none end with ENOBUFS and are armed again as
// buffers come back; every connection is answered.
func TestUringBuffersRunDry(t *testing.T) {
	onlyUring(t)
	for _, entries := range []int{2, 4, 1024} { // small rings submit mid-turn, when full
		t.Run("ring "+bytesOf(entries), func(t *testing.T) { buffersRunDry(t, entries) })
	}
}

func buffersRunDry(t *testing.T, ringEntries int) {
	const conns = 24
	s := start(t, Config{RecvBuffers: 4, RecvBufferSize: 256, RingEntries: ringEntries}, echoHandler{})
	cs := make([]io.ReadWriter, conns)
	for i := range cs {
		cs[i] = dial(t, s.r.Addr())
	}
	msg := bytes.Repeat([]byte("z"), 200)
	for round := range 20 {
		for _, c := range cs {
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cs {
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("round %d, connection %d: %v", round, i, err)
			}
		}
	}
	s.r.Close()
	if err := s.wait(t); err != nil {
		t.Fatal(err)
	}
	if s.r.ur.starvedTotal == 0 {
		t.Error("no receive ran out of buffers: the re-arm is untested")
	}
}

// TestUringSendWrite: the hybrid writes each response at once and sends
// only what the kernel did not take as a request; a payload larger than
// the socket buffers still arrives whole and in order.
func TestUringSendWrite(t *testing.T) {
	onlyUring(t)
	s := start(t, Config{Send: SendWrite}, echoHandler{})
	c := dial(t, s.r.Addr())
	roundTrip(t, c, "hello\n", "hello\n")
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<17) // 2 MiB
	roundTrip(t, c, string(big), string(big))
	st := s.r.Stats()
	if st.Syscalls[SysWrite] == 0 || st.Syscalls[SysRead] != 0 {
		t.Fatalf("write %d, read %d: want writes at once and reads from the ring", st.Syscalls[SysWrite], st.Syscalls[SysRead])
	}
}

// TestUringClosedFdOutlivesItsRequests: a connection closed with a send
// prepared and not yet submitted keeps its fd number until the turn's
// enter has handed the kernel every request naming it. Closed at once,
// the number would go to the next socket, and the send (the kernel looks
// the fd up when it takes the request) would answer that connection.
func TestUringClosedFdOutlivesItsRequests(t *testing.T) {
	r := ringReactor(t, echoHandler{})
	pair := func() (int, int) {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
		return fds[0], fds[1]
	}
	fd, _ := pair()
	r.admit(fd)
	c := r.table.slots[fd]
	c.Write([]byte("for the closed connection only"))
	r.settle(c) // prepares the send
	r.closeConn(c)
	if other, _ := pair(); other == fd {
		t.Fatal("the closed connection's fd was free before its send was submitted")
	}
	if err := r.enterRing(0); err != nil {
		t.Fatal(err)
	}
	r.closeDeferred()
	reused, peer := pair()
	if reused != fd {
		t.Skipf("fd not reused after the enter (%d != %d)", reused, fd)
	}
	r.enterRing(0)
	buf := make([]byte, 64)
	if n, err := unix.Read(peer, buf); n > 0 || err != unix.EAGAIN {
		t.Fatalf("the socket that reused the fd got %q (%v)", buf[:max(n, 0)], err)
	}
}

// TestUringSlowReadersHoldNoBuffers: clients that leave a large answer
// unread and keep sending hold none of the shared receive buffers (what
// they send waits in their overflow, charged to the memory budget), so a
// new client is answered with only 16 buffers among eight of them. Before,
// each held four until the write timeout (here a minute: the client's
// read would time out first).
func TestUringSlowReadersHoldNoBuffers(t *testing.T) {
	onlyUring(t)
	s := start(t, Config{RecvBuffers: 16, WriteTimeout: time.Minute}, &lineHandler{})
	for range 8 {
		slow := dial(t, s.r.Addr())
		if _, err := io.WriteString(slow, "big 4000000\n"); err != nil {
			t.Fatal(err)
		}
		for range 4 { // separate arrivals, each its own completion
			time.Sleep(5 * time.Millisecond)
			if _, err := io.WriteString(slow, "x\n"); err != nil {
				t.Fatal(err)
			}
		}
	}
	roundTrip(t, dial(t, s.r.Addr()), "hello\n", "hello\n")
}

// TestUringListenerOutlivesItsAccept: a listener closed while its accept
// is prepared and not yet submitted keeps its fd until the enter, so the
// accept cannot take another socket that reused the number.
func TestUringListenerOutlivesItsAccept(t *testing.T) {
	r := ringReactor(t, echoHandler{}) // its ring has the accept prepared
	lfd := r.lfd
	r.closeListener()
	if _, err := unix.FcntlInt(uintptr(lfd), unix.F_GETFD, 0); err != nil {
		t.Fatalf("the listener's fd was closed before its accept was submitted: %v", err)
	}
	if err := r.enterRing(0); err != nil {
		t.Fatal(err)
	}
	r.closeDeferred()
	if _, err := unix.FcntlInt(uintptr(lfd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Fatalf("the listener's fd is still open after the enter: %v", err)
	}
}
