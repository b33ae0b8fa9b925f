package core

import "golang.org/x/sys/unix"

// discardSize is the scratch buffer for input that will never be processed
// (after CloseAfterWrite): it is read only to keep the peer's writes flowing
// and the kernel receive queue empty, so the final close sends FIN, not RST.
const discardSize = 64 << 10

// retryable reports whether a write that did not take everything can be
// finished later via EPOLLOUT.
func retryable(err error) bool {
	return err == nil || err == unix.EAGAIN || err == unix.EINTR
}

// readConn reads while the kernel may hold input, handing each chunk to the
// handler. It stops while output is pending (backpressure: a peer that does
// not read its responses gets no more requests processed); inReady stays
// set so the read resumes once the output drains. After ReadsPerEvent reads
// it stops too and queues c to go on in the next loop iteration: a peer that
// keeps its socket full must not starve the other connections of the batch.
func (r *Reactor) readConn(c *Conn) {
	defer r.discardIfClosing(c)
	for reads := 0; c.serving() && c.inReady && !c.rdEOF && c.pending() == 0; reads++ {
		if reads == r.cfg.ReadsPerEvent {
			r.readLater(c)
			return
		}
		switch r.readSpace(c) {
		case roomFull:
			c.fail() // the unconsumed input would exceed ReadBufferMax
			return
		case roomBudget:
			r.refuse(c)
			return
		}
		n, retry := r.readInto(c, c.buf[c.end:])
		if retry {
			continue
		}
		if n == 0 {
			r.releaseEmptyBuf(c)
			return
		}
		c.end += n
		r.deliver(c)
	}
}

// room says whether a connection can read more.
type room uint8

const (
	roomOK     room = iota
	roomFull        // the unconsumed input would exceed ReadBufferMax
	roomBudget      // a buffer would take the server past MemoryMax
)

// readLater queues c (once) to read on in the next loop iteration.
func (r *Reactor) readLater(c *Conn) {
	if !c.queued {
		c.queued = true
		r.again = append(r.again, connRef{fd: int32(c.fd), gen: c.gen})
	}
}

// connRef names a connection as epoll data does: fd and generation, so a
// queued reference to a connection closed meanwhile is recognised as stale.
type connRef struct {
	fd  int32
	gen uint32
}

// readAgain gives every queued connection its next turn. A connection that
// runs out of budget again is queued for the iteration after.
func (r *Reactor) readAgain() {
	turn := r.again
	r.again = r.againSpare[:0]
	for _, ref := range turn {
		if c := r.table.lookup(int(ref.fd), ref.gen); c != nil {
			c.queued = false
			r.settle(c)
		}
	}
	r.againSpare = turn[:0]
}

// readSpace makes room to read into, c.buf[c.end:]. It gets a
// buffer from the pool if the connection holds none, compacts unconsumed
// bytes to the front of a full buffer, and doubles a buffer the handler
// could not consume anything from, up to ReadBufferMax. Every buffer is
// charged to the memory budget first.
func (r *Reactor) readSpace(c *Conn) room {
	if c.buf == nil {
		if !r.mem.fits(r.cfg.ReadBufferSize, false) {
			return roomBudget
		}
		c.buf = r.cfg.Buffers.Get(r.cfg.ReadBufferSize)
		r.mem.add(cap(c.buf))
		c.start, c.end = 0, 0
	}
	if c.end == len(c.buf) && c.start > 0 {
		c.end = copy(c.buf, c.buf[c.start:c.end])
		c.start = 0
	}
	if c.end == len(c.buf) {
		return r.growBuf(c)
	}
	return roomOK
}

func (r *Reactor) growBuf(c *Conn) room {
	size := len(c.buf)
	if size >= r.cfg.ReadBufferMax {
		return roomFull
	}
	newSize := min(2*size, r.cfg.ReadBufferMax)
	if !r.mem.fits(newSize, true) {
		return roomBudget
	}
	nb := r.cfg.Buffers.Get(newSize)
	r.mem.add(cap(nb))
	c.end = copy(nb, c.buf[c.start:c.end])
	c.start = 0
	r.mem.add(-cap(c.buf))
	r.cfg.Buffers.Put(c.buf) // its bytes now live in nb
	c.buf = nb
	return roomOK
}

// refuse ends a connection whose next buffer would exceed the memory
// budget: it is told Config.Reject (after every response it already has)
// and closed like any connection after its last response. Its input is
// never processed again.
func (r *Reactor) refuse(c *Conn) {
	r.ctr.rejected.Add(1)
	r.ctr.memRejected.Add(1)
	c.write(r.refusal(), true)
	c.CloseAfterWrite()
}

// refusal is the protocol's Config.Reject message, in a reused buffer.
func (r *Reactor) refusal() []byte {
	if r.cfg.Reject == nil {
		return nil
	}
	r.refuseBuf = r.cfg.Reject(r.refuseBuf[:0], r.now)
	return r.refuseBuf
}

// deliver hands the unconsumed input to the handler and applies what it
// consumed.
func (r *Reactor) deliver(c *Conn) {
	if c.phase != PhaseReading {
		// Bytes arrived after idling (or after output drained): a request
		// has begun and the header timeout starts now.
		r.setPhase(c, PhaseReading)
		c.resume = PhaseReading
	}
	in := c.buf[c.start:c.end]
	c.fresh = false
	c.phaseSet = false
	k := r.h.Data(c, in)
	if k < 0 || k > len(in) {
		r.log.Error("core: handler consumed an impossible byte count; closing",
			"fd", c.fd, "consumed", k, "len", len(in))
		c.fail()
		return
	}
	c.start += k
	if c.dropsInput() {
		c.start = c.end // input after CloseAfterWrite is never processed
	}
	if !c.phaseSet {
		r.inferPhase(c, k)
	}
	r.releaseEmptyBuf(c)
}

// inferPhase picks the phase for a handler that does not call SetPhase.
func (r *Reactor) inferPhase(c *Conn, consumed int) {
	switch {
	case consumed == 0:
		return // still reading the same request: keep its deadline
	case c.start < c.end:
		c.resume = PhaseReading
		if c.pending() == 0 {
			r.restartPhase(c, PhaseReading) // one request done, the next begun
		}
	default:
		c.resume = PhaseIdle
		if c.pending() == 0 {
			r.setPhase(c, PhaseIdle)
		}
	}
}

// releaseEmptyBuf returns the read buffer to the pool once it holds no
// unconsumed byte, so idle connections pin no buffer.
func (r *Reactor) releaseEmptyBuf(c *Conn) {
	if c.buf != nil && c.start == c.end {
		r.releaseBuf(c)
	}
}

func (r *Reactor) releaseBuf(c *Conn) {
	if c.buf == nil {
		return
	}
	r.mem.add(-cap(c.buf))
	r.cfg.Buffers.Put(c.buf)
	c.buf, c.start, c.end = nil, 0, 0
}

// discardIfClosing drops input that can no longer be processed — including
// what is still queued when CloseAfterWrite came in the middle of a full
// read — right away, so a peer blocked on a full window can go on to read
// its response.
func (r *Reactor) discardIfClosing(c *Conn) {
	if c.dropsInput() {
		r.discardInput(c)
	}
}

// discardInput reads and drops input after CloseAfterWrite: the peer may be
// blocked writing (a pipelined request after a bad one) and would then never
// read our response; and unread input at close(2) makes the kernel send RST,
// which can destroy the response before the peer reads it.
// Like readConn, it reads at most ReadsPerEvent times per turn.
func (r *Reactor) discardInput(c *Conn) {
	for reads := 0; c.inReady && !c.failed() && !c.rdEOF; reads++ {
		if reads == r.cfg.ReadsPerEvent {
			r.readLater(c)
			return
		}
		if n, retry := r.readInto(c, r.scratch); n == 0 && !retry {
			return
		}
	}
}

// readInto makes one read(2) into p and applies what it says about the
// socket: n bytes read (0 on EAGAIN, EOF or an error, which marks c
// failed), or retry after EINTR.
func (r *Reactor) readInto(c *Conn, p []byte) (n int, retry bool) {
	if r.ur != nil {
		return r.takeStash(c, p)
	}
	n, err := r.sysRead(c.fd, p)
	c.inReady = false
	switch {
	case err == unix.EAGAIN:
		return 0, false
	case err == unix.EINTR:
		c.inReady = true
		return 0, true
	case err != nil:
		c.fail()
		return 0, false
	case n == 0:
		c.rdEOF = true
		return 0, false
	}
	r.ctr.bytesIn.Add(uint64(n))
	// The one-read rule. In edge-triggered mode a read that returns less
	// than the space offered has emptied the socket's receive queue at
	// that instant. Any byte that arrives later is a new arrival, and
	// every arrival raises a new EPOLLIN edge, so there is nothing to
	// gain from reading again just to collect EAGAIN: that would be a
	// second syscall per request for no data. Only a full read leaves
	// the queue possibly non-empty, and then we read again.
	c.inReady = n == len(p)
	if !c.inReady && c.peerShut {
		// EPOLLRDHUP came with or before this data and the queue is now
		// empty: the FIN is behind the last byte, so this is EOF too.
		c.rdEOF = true
	}
	return n, false
}

// flush writes pending output on EPOLLOUT. A short write means the send
// buffer is full; the next EPOLLOUT edge comes when it has room again.
func (r *Reactor) flush(c *Conn) {
	for c.pending() > 0 {
		p := c.out[c.outOff:]
		n, err := r.sysWrite(c.fd, p)
		if n > 0 {
			c.outOff += n
			r.ctr.bytesOut.Add(uint64(n))
		}
		switch {
		case err == unix.EINTR:
			continue
		case !retryable(err):
			c.fail()
			return
		case n < len(p):
			return
		}
	}
	// Drained: give the buffer back, so that an idle connection holds no
	// output memory against the budget (partial writes are rare enough
	// that the next one may allocate again).
	r.dropOut(c)
}
