package core

import (
	"fmt"

	"golang.org/x/sys/unix"

	"latencylab/stages/core/uring"
)

// loopUring is loop for EngineUring: each turn enters once, handles every
// completion, then runs the same read-again, timer and accept steps.
func (r *Reactor) loopUring() error {
	if err := r.openRing(); err != nil {
		r.closeAll()
		return fmt.Errorf("core: %w", err)
	}
	r.tick()
	r.adoptAll()
	for !r.finished() {
		if err := r.enterRing(r.waitNs()); err != nil {
			r.closeAll()
			return err
		}
		r.closeDeferred()
		r.tick()
		r.connEvents = 0
		r.reap()
		if r.connEvents > 0 && r.cfg.TrackLatency {
			r.sampleTurn()
		}
		r.readAgain()
		r.expire()
		if r.acceptPaused {
			r.acceptAll()
		}
		r.rearmRing()
	}
	// Submit the cancels of the connections closed last, so their sockets
	// close now rather than when the ring is torn down.
	_ = r.submitRing()
	r.closeDeferred()
	return nil
}

// submitRing is an enter that cannot block: it submits what is prepared
// and runs the deferred completion work, as Config.Syscalls says.
func (r *Reactor) submitRing() unix.Errno {
	r.ctr.syscall(SysUringEnter)
	_, errno := r.ur.ring.Enter(false, 0, r.cfg.Syscalls == RawSyscalls)
	return errno
}

// enterRing is the turn's one io_uring_enter. With work for the kernel
// (requests to submit, deferred completions to run) or no time to wait,
// it is a call that cannot block and follows Config.Syscalls; when that
// found nothing and the loop may sleep, or when there was nothing to do,
// it waits for a completion or the next timer, always as a runtime
// syscall, so the garbage collector can run while the reactor sleeps.
func (r *Reactor) enterRing(waitNs int64) error {
	ring := r.ur.ring
	r.closeDeferred() // those no prepared request names
	closing := len(r.ur.closing) > 0
	if ring.Pending() > 0 || ring.TaskrunPending() || waitNs == 0 || closing {
		if errno := r.submitRing(); !enterOK(errno) {
			return fmt.Errorf("io_uring_enter: %w", errno)
		}
		if ring.Ready() > 0 || waitNs == 0 || closing {
			return nil // closes wait for no one: the loop closes them, then sleeps
		}
	}
	r.ctr.syscall(SysUringEnter)
	if _, errno := ring.Enter(true, waitNs, false); !enterOK(errno) {
		return fmt.Errorf("io_uring_enter (wait): %w", errno)
	}
	return nil
}

// enterOK: ETIME is the timer's timeout, EINTR a signal, EBUSY a full CQ
// ring (the loop reaps and enters again).
func enterOK(e unix.Errno) bool {
	return e == 0 || e == unix.ETIME || e == unix.EINTR || e == unix.EBUSY
}

// reap handles every completion waiting in the CQ ring.
func (r *Reactor) reap() {
	ring := r.ur.ring
	for n := ring.Ready(); n > 0; n = ring.Ready() {
		for i := range n {
			r.complete(*ring.Peek(i))
		}
		ring.Consume(n)
		r.ctr.cqes.Add(uint64(n))
	}
}

func (r *Reactor) complete(cqe uring.CQE) {
	op, fd, gen := splitUserData(cqe.UserData)
	switch op {
	case opAccept:
		r.onAcceptCQE(cqe)
	case opWake:
		r.ur.wakeArmed = r.ur.wakeArmed && cqe.More()
		r.onWake()
	case opRecv:
		r.onRecvCQE(fd, gen, cqe)
	case opSend:
		r.onSendCQE(fd, gen, cqe)
	}
}

func (r *Reactor) onAcceptCQE(cqe uring.CQE) {
	r.ur.acceptArmed = r.ur.acceptArmed && cqe.More()
	if cqe.Res >= 0 {
		r.admit(int(cqe.Res))
		return
	}
	switch errno := unix.Errno(-cqe.Res); errno {
	case unix.ECANCELED, unix.EBADF, unix.EINVAL: // the listener is closing
	case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
		if !r.acceptPaused {
			r.log.Warn("core: accept paused", "err", errno)
		}
		r.acceptPaused = true
	default:
		r.log.Error("core: io_uring accept", "fd", r.lfd, "err", errno)
	}
}

// onRecvCQE stashes what arrived and lets the connection take it.
func (r *Reactor) onRecvCQE(fd int, gen uint32, cqe uring.CQE) {
	u := r.ur
	id, hasBuf := cqe.Buffer()
	if hasBuf {
		u.taken++
	}
	c := r.lookupUD(fd, gen)
	if c == nil {
		if hasBuf {
			r.recycle(id)
		}
		r.ctr.stale.Add(1)
		return
	}
	if !cqe.More() {
		c.ux.armed, c.ux.cancelling = false, false
	}
	switch {
	case cqe.Res > 0 && hasBuf:
		r.stash(c, id, cqe.Res)
	case cqe.Res == 0:
		if hasBuf {
			r.recycle(id)
		}
		c.ux.eof = true
	case cqe.Res == -int32(unix.ENOBUFS):
		c.ux.starved = true
		u.starvedTotal++
		u.starved = append(u.starved, connRef{fd: int32(c.fd), gen: c.gen})
	case cqe.Res == -int32(unix.ECANCELED):
	default:
		c.ux.err = true
	}
	c.inReady = c.ux.head >= 0 || c.ux.overOff < len(c.ux.over) || c.ux.eof || c.ux.err
	r.connEvents++
	r.settle(c)
}

// stash queues a received buffer behind c's others, for the read path to
// take. While c's handler waits for its output to drain (a client that
// pipelines and does not read), what arrives is copied to the
// connection's overflow instead and the buffer given back at once, so a
// slow reader holds none of the shared buffers, only memory charged to
// the budget; past overflowPause bytes its receive is cancelled. A
// connection holding stashMax buffers (its reads paced by the read
// budget) has its receive cancelled too.
func (r *Reactor) stash(c *Conn, id uint16, n int32) {
	u := r.ur
	if c.pending() > 0 || c.ux.overOff < len(c.ux.over) {
		r.overflow(c, u.bufs.Buf(id)[:n])
		r.recycle(id)
		if len(c.ux.over)-c.ux.overOff >= overflowPause {
			r.cancelRecv(c)
		}
		return
	}
	u.bufLen[id], u.bufNext[id] = n, -1
	if c.ux.tail >= 0 {
		u.bufNext[c.ux.tail] = int32(id)
	} else {
		c.ux.head, c.ux.off = int32(id), 0
	}
	c.ux.tail = int32(id)
	c.ux.stashed++
	u.stashPeak = max(u.stashPeak, c.ux.stashed)
	if c.ux.stashed >= stashMax {
		r.cancelRecv(c)
	}
}

// overflow keeps p behind c's stash, in memory charged to the budget: at
// most ReadBufferMax (more fails the connection, as unconsumed input
// over that limit does), and a buffer the budget cannot give refuses it.
func (r *Reactor) overflow(c *Conn, p []byte) {
	u := &c.ux
	switch {
	case len(u.over)-u.overOff+len(p) > r.cfg.ReadBufferMax:
		c.fail()
		return
	case len(u.over)+len(p) <= cap(u.over):
	default:
		size := max(2*cap(u.over), len(u.over)-u.overOff+len(p), r.cfg.RecvBufferSize)
		if !r.mem.fits(size-cap(u.over), true) {
			r.refuse(c)
			return
		}
		grown := make([]byte, len(u.over)-u.overOff, size)
		copy(grown, u.over[u.overOff:])
		r.mem.add(size - cap(u.over))
		u.over, u.overOff = grown, 0
	}
	u.over = append(u.over, p...)
	r.ur.overflowed++
}

// dropOverflow releases c's overflow buffer.
func (r *Reactor) dropOverflow(c *Conn) {
	r.mem.add(-cap(c.ux.over))
	c.ux.over, c.ux.overOff = nil, 0
}

func (r *Reactor) recycle(id uint16) {
	r.ur.bufs.Recycle(id)
	r.ur.freed++
	r.ur.taken--
}

// takeStash is readInto for EngineUring: it copies stashed bytes into p
// and gives emptied buffers back to the kernel. With nothing stashed it
// reports the receive's end (EOF, or an error that fails c), if any.
func (r *Reactor) takeStash(c *Conn, p []byte) (n int, retry bool) {
	u := r.ur
	for n < len(p) && c.ux.head >= 0 {
		id := c.ux.head
		k := copy(p[n:], u.bufs.Buf(uint16(id))[c.ux.off:u.bufLen[id]])
		n += k
		c.ux.off += int32(k)
		if c.ux.off == u.bufLen[id] {
			c.ux.head, c.ux.off = u.bufNext[id], 0
			if c.ux.head < 0 {
				c.ux.tail = -1
			}
			c.ux.stashed--
			r.recycle(uint16(id))
		}
	}
	if c.ux.head < 0 && c.ux.overOff < len(c.ux.over) { // the overflow follows the stash
		k := copy(p[n:], c.ux.over[c.ux.overOff:])
		n += k
		if c.ux.overOff += k; c.ux.overOff == len(c.ux.over) {
			r.dropOverflow(c)
		}
	}
	c.inReady = c.ux.head >= 0 || c.ux.overOff < len(c.ux.over) || c.ux.eof || c.ux.err
	if n > 0 {
		r.ctr.bytesIn.Add(uint64(n))
		return n, false
	}
	switch {
	case c.ux.err:
		c.fail()
	case c.ux.eof:
		c.rdEOF = true
	}
	c.inReady = false
	return 0, false
}

// afterSettle arms c's receive again once it is drained: nothing stashed,
// no output waiting, and the receive not ended by the peer.
func (r *Reactor) afterSettle(c *Conn) {
	if c.state == stateFree || c.state == stateClosing || c.ux.armed || c.ux.starved || c.ux.stashed > 0 ||
		c.ux.overOff < len(c.ux.over) || c.pending() > 0 {
		return
	}
	r.armRecv(c)
}

// sendPending submits c's pending output as one send request, unless one
// is already in flight (its completion sends the rest).
func (r *Reactor) sendPending(c *Conn) {
	if c.ux.sending || c.pending() == 0 {
		return
	}
	r.sqe().PrepSend(c.fd, c.out[c.outOff:], unix.MSG_NOSIGNAL, userData(opSend, c.fd, c.gen))
	c.ux.sending, c.ux.inflight = true, c.out
}

func (r *Reactor) onSendCQE(fd int, gen uint32, cqe uring.CQE) {
	c := r.lookupUD(fd, gen)
	if c == nil {
		if b, ok := r.ur.orphans[cqe.UserData]; ok { // the kernel is done with it
			r.mem.add(-cap(b))
			delete(r.ur.orphans, cqe.UserData)
		}
		r.ctr.stale.Add(1)
		return
	}
	if c.ux.inflightOwn {
		r.mem.add(-cap(c.ux.inflight))
	}
	c.ux.sending, c.ux.inflight, c.ux.inflightOwn = false, nil, false
	switch {
	case cqe.Res >= 0:
		c.outOff += int(cqe.Res)
		r.ctr.bytesOut.Add(uint64(cqe.Res))
	case cqe.Res != -int32(unix.EAGAIN) && cqe.Res != -int32(unix.EINTR):
		c.fail()
	}
	if c.pending() == 0 && !c.failed() {
		r.dropOut(c)
	}
	r.connEvents++
	r.settle(c)
}

// forgetRing runs as c closes: its stashed buffers go back, its receive
// and send are cancelled, and the buffer under a send in flight is kept
// until the kernel says it is done with it.
func (r *Reactor) forgetRing(c *Conn) {
	for c.ux.head >= 0 {
		id := c.ux.head
		c.ux.head = r.ur.bufNext[id]
		r.recycle(uint16(id))
	}
	c.ux.tail, c.ux.stashed = -1, 0
	r.dropOverflow(c)
	r.cancelRecv(c)
	if c.ux.sending {
		ud := userData(opSend, c.fd, c.gen)
		if !c.ux.inflightOwn {
			r.mem.add(cap(c.ux.inflight)) // stays charged until its CQE; dropOut releases c.out's charge
		}
		r.ur.orphans[ud] = c.ux.inflight
		r.sqe().PrepCancel(ud, userData(opCancel, c.fd, c.gen))
		c.out, c.outOff = nil, 0 // not for reuse: the kernel may still read it
	}
	c.ux = connUring{head: -1, tail: -1}
}

// outBuf is a reused output buffer of at least need bytes, or nil.
func (r *Reactor) outBuf(need int) []byte {
	u := r.ur
	if u == nil || need > outKeepMax {
		return nil
	}
	for i := len(u.outFree) - 1; i >= 0; i-- {
		if b := u.outFree[i]; cap(b) >= need {
			u.outFree[i] = u.outFree[len(u.outFree)-1]
			u.outFree = u.outFree[:len(u.outFree)-1]
			return b[:0]
		}
	}
	return nil
}

// keepOut keeps a drained output buffer for reuse: under io_uring every
// response goes through pending output, and allocating one per response
// would be the request path's only allocation.
func (r *Reactor) keepOut(b []byte) {
	if u := r.ur; u != nil && b != nil && cap(b) <= outKeepMax && len(u.outFree) < outFreeMax {
		u.outFree = append(u.outFree, b[:0])
	}
}
