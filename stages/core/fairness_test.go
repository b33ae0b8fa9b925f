package core

import (
	"net"
	"sync"
	"testing"
	"time"
)

// orderHandler records, per connection, the sequence number of its first
// and last Data call, and consumes everything.
type orderHandler struct {
	mu          sync.Mutex
	seq         int
	first, last map[int]int // by fd
}

func (h *orderHandler) Open(*Conn)  {}
func (h *orderHandler) Close(*Conn) {}
func (h *orderHandler) Data(c *Conn, in []byte) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	if _, ok := h.first[c.Fd()]; !ok {
		h.first[c.Fd()] = h.seq
	}
	h.last[c.Fd()] = h.seq
	return len(in)
}

// A connection whose socket is full cannot starve the others: with a read
// budget of 2, a flood queued before serving (128 reads' worth) is read in
// turns, so a one-byte request queued behind it is handled before the
// flood is done. Without the budget the flood is read to the end first.
func TestReadBudgetSharesTurns(t *testing.T) {
	h := &orderHandler{first: map[int]int{}, last: map[int]int{}}
	r, err := New(Config{Addr: "127.0.0.1:0", ReadBufferSize: 512, ReadBufferMax: 512, ReadsPerEvent: 2, Engine: testEngine}, h)
	if err != nil {
		t.Fatal(err)
	}
	flood, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer flood.Close()
	if _, err := flood.Write(make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	small, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if _, err := small.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // both queued in the kernel before the loop starts
	s := &server{r: r, done: make(chan error, 1)}
	go func() { s.done <- r.Serve() }()
	defer func() { r.Close(); _ = s.wait(t) }()
	waitFor(t, "the flood read to its end", func() bool { return r.Stats().BytesReceived == 64<<10+1 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.first) != 2 {
		t.Fatalf("Data seen on %d connections, want 2", len(h.first))
	}
	var floodLast, smallFirst int
	for fd, last := range h.last {
		if last-h.first[fd] > 1 {
			floodLast = last
		} else {
			smallFirst = h.first[fd]
		}
	}
	if smallFirst == 0 || floodLast == 0 || smallFirst > floodLast {
		t.Fatalf("the small request was handled at call %d, after the flood's last at %d: no turns", smallFirst, floodLast)
	}
}

// A connection's state only moves forward: a failed connection is not
// revived by a later CloseAfterWrite, and nothing is written after its
// write side is shut.
func TestConnStateOnlyMovesForward(t *testing.T) {
	c := Conn{state: stateOpen}
	c.CloseAfterWrite()
	if c.state != stateFinishing || !c.dropsInput() || !c.writable() {
		t.Fatalf("after CloseAfterWrite: state %d", c.state)
	}
	c.advance(stateLingering)
	if c.writable() || !c.dropsInput() {
		t.Fatalf("lingering: writable %v", c.writable())
	}
	c.fail()
	c.CloseAfterWrite()
	c.advance(stateOpen)
	if !c.failed() {
		t.Fatalf("state %d after fail, CloseAfterWrite, open: want failed", c.state)
	}
}
