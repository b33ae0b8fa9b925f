package core

import "time"

// Conn is one accepted connection as the protocol sees it. The core owns it:
// the same *Conn is reused for the next connection on the same fd, so a
// handler must not keep it after Close. All methods must be called from
// Handler callbacks (the reactor goroutine).
type Conn struct {
	r     *Reactor
	fd    int
	gen   uint32 // bumped by table.open; epoll data carries it in Pad
	state connState

	// Input: buf[start:end] is read but not yet consumed by the handler.
	buf        []byte
	start, end int

	// Output: out[outOff:] is waiting for EPOLLOUT. outCap is the capacity
	// charged to the memory budget.
	out    []byte
	outOff int
	outCap int
	armed  bool // EPOLLOUT is in the registered event mask

	// What is known of the input, apart from the state.
	fresh    bool // nothing read yet: the first request's header timeout runs
	inReady  bool // the kernel may hold unread input (edge seen, or last read was full)
	peerShut bool // EPOLLRDHUP seen: the peer will send nothing more
	rdEOF    bool // every byte the peer will ever send has been read

	refused  bool  // never admitted: told Config.Reject, then closed; the handler never sees it
	queued   bool  // in the reactor's again list: its read budget ran out with input left
	phaseSet bool  // the handler called SetPhase during this callback
	resume   Phase // the phase to return to when pending output drains

	// Timer list links (fd indices, see timers.go).
	phase      Phase
	linked     bool
	prev, next int32
	deadline   int64 // reactor clock, nanoseconds

	ux connUring // EngineUring's state (uring.go)

	session any
}

// connState is where a connection is in its life. It only moves forward
// (advance): open, then finishing once the protocol has sent its last
// byte, then lingering once that byte is flushed; failed from any of them;
// closing last, while the handler's Close runs. A free slot holds no
// connection.
type connState uint8

const (
	stateFree      connState = iota
	stateOpen                // serving: input goes to the handler
	stateFinishing           // CloseAfterWrite: input is read and dropped; close once output is flushed
	stateLingering           // write side shut down behind the last byte; waiting for the peer's FIN
	stateFailed              // a fatal error: close at the next safe point
	stateClosing             // the handler's Close is running: writes are dropped
)

// advance moves c to s unless it is already further on.
func (c *Conn) advance(s connState) { c.state = max(c.state, s) }

// fail marks c failed: it is closed at the next safe point.
func (c *Conn) fail() { c.advance(stateFailed) }

// failed reports a fatal error.
func (c *Conn) failed() bool { return c.state == stateFailed }

// serving: input still goes to the handler.
func (c *Conn) serving() bool { return c.state == stateOpen }

// dropsInput: the protocol is done with input (finishing or lingering):
// what arrives is read and dropped so the close stays a FIN.
func (c *Conn) dropsInput() bool { return c.state == stateFinishing || c.state == stateLingering }

// writable: output is still accepted (not after the write side is shut).
func (c *Conn) writable() bool { return c.state == stateOpen || c.state == stateFinishing }

// init prepares a freshly opened slot, keeping what the table owns (gen).
// A closed slot holds no buffer (closeConn released them), so accept
// allocates nothing.
func (c *Conn) init(r *Reactor, fd int) {
	*c = Conn{r: r, fd: fd, gen: c.gen, state: stateOpen,
		fresh: true, resume: PhaseReading, prev: noFd, next: noFd}
}

// Write sends p now with one write(2) when nothing is pending. Whatever the
// kernel does not take is copied to pending output and EPOLLOUT is armed
// (after the callback returns); later writes queue behind it to keep order.
// p is never retained. Pending output over Config.PendingMax, or a write
// error, closes the connection after the callback returns. Under io_uring
// (Config.Send SendRing) a p of up to 16 KiB is copied to pending output
// and sent as a request with the loop turn's one enter; a larger one is
// written at once, as under epoll: its copy would cost more than the
// syscall saved, and PendingMax would bound the size of a response.
func (c *Conn) Write(p []byte) {
	c.write(p, c.r.ur == nil || c.r.cfg.Send == SendWrite || len(p) > outKeepMax)
}

// write is Write, with or without the write(2) at once. The core's own
// refusals are written at once on every engine: they need no memory, so
// a server short of it can still say so.
func (c *Conn) write(p []byte, now bool) {
	if len(p) == 0 || !c.writable() {
		return
	}
	if now && c.pending() > 0 && c.r.ur != nil && !c.ux.sending {
		// Responses queued for this turn's send request go out first, at
		// once, so the large one behind them can too, as under epoll.
		c.r.flush(c)
	}
	if c.pending() > 0 || !now {
		c.queue(p)
		return
	}
	n, err := c.r.sysWrite(c.fd, p)
	if n > 0 {
		c.r.ctr.bytesOut.Add(uint64(n))
	}
	if n == len(p) {
		return
	}
	if !retryable(err) {
		c.fail()
		return
	}
	c.queue(p[max(n, 0):])
}

// queue copies p behind the pending output. Over PendingMax, or over the
// memory budget, the connection is closed: its output stream is in the
// middle of a response, so there is nothing else it could be told.
func (c *Conn) queue(p []byte) {
	if c.pending()+len(p) > c.r.cfg.PendingMax {
		c.fail()
		return
	}
	if c.outOff > 0 && c.outOff >= cap(c.out)/2 && !c.ux.sending {
		// Reclaim the flushed front instead of growing the buffer (never
		// under a send request in flight: the kernel may still read it).
		c.out = c.out[:copy(c.out, c.out[c.outOff:])]
		c.outOff = 0
	}
	if need := len(c.out) + len(p); need > cap(c.out) && !c.growOut(need) {
		c.r.ctr.memRejected.Add(1)
		c.fail()
		return
	}
	c.out = append(c.out, p...)
}

// growOut gives the pending output room for need bytes within the memory
// budget: doubling when that fits, else exactly need.
func (c *Conn) growOut(need int) bool {
	mem := &c.r.mem
	// A connection's first output buffer may use the whole budget, as its
	// first read buffer may (budget.go): under io_uring every response
	// takes one, and the growth share alone would leave a server short of
	// memory answering nothing at all.
	growing := c.outCap > 0
	newCap := max(need, 2*cap(c.out), 512)
	if !mem.fits(newCap-c.outCap, growing) {
		newCap = need
		if !mem.fits(newCap-c.outCap, growing) {
			return false
		}
	}
	out := c.r.outBuf(newCap)
	if out != nil && !mem.fits(cap(out)-c.outCap, growing) {
		c.r.keepOut(out)
		out = nil
	}
	if out == nil {
		out = make([]byte, 0, newCap)
	}
	out = append(out, c.out...)
	if c.ux.sending && !c.ux.inflightOwn {
		// The send in flight still reads the old buffer: it stays
		// charged until the send completes (onSendCQE).
		c.r.mem.add(cap(c.out))
		c.ux.inflightOwn = true
	}
	c.out = out
	c.r.accountOut(c)
	return true
}

// pending is the number of output bytes the kernel has not yet accepted.
func (c *Conn) pending() int { return len(c.out) - c.outOff }

// CloseAfterWrite closes the connection once pending output is flushed.
// From this call on, no input is handed to Data again: the rest of the
// current input and anything that arrives later is read and discarded.
func (c *Conn) CloseAfterWrite() { c.advance(stateFinishing) }

// SetPhase declares which timeout guards the connection: PhaseReading
// (HeaderTimeout) while a request is incomplete, PhaseIdle (IdleTimeout)
// between requests. Entering the phase the connection is already in keeps
// the running deadline; switching restarts it. While output is pending the
// core keeps the connection in PhaseWriting and enters p once it drains.
//
// A Data call that does not call SetPhase leaves the choice to the core:
// consumed nothing → still Reading; consumed everything → Idle; consumed
// some with bytes left → Reading with a fresh deadline (a request completed).
func (c *Conn) SetPhase(p Phase) {
	if p != PhaseReading && p != PhaseIdle {
		return
	}
	c.phaseSet = true
	c.resume = p
	if c.pending() == 0 {
		c.r.setPhase(c, p)
	}
}

// Session returns the protocol state set with SetSession.
func (c *Conn) Session() any { return c.session }

// SetSession stores protocol state on the connection; the core clears it
// after Close.
func (c *Conn) SetSession(s any) { c.session = s }

// Now is the reactor's clock, read once per epoll_wait return.
func (c *Conn) Now() time.Time { return c.r.now }

// Fd is the connection's file descriptor (for logs; do not close it).
func (c *Conn) Fd() int { return c.fd }

// Draining reports that graceful shutdown has begun: the protocol should
// finish the current request and then close (CloseAfterWrite).
func (c *Conn) Draining() bool { return c.r.draining }
