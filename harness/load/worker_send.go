package load

import (
	"errors"

	"golang.org/x/sys/unix"
)

var errConnectTimeout = errors.New("connect: timed out")

// advance moves a connection on: connect it, or send what is due.
func (w *worker) advance(c *conn, now int64) {
	if w.stopped {
		return
	}
	switch c.state {
	case stIdle:
		w.advanceIdle(c, now)
	case stOpen:
		w.enqueueDue(c, now)
		w.flush(c, now)
	}
}

// advanceIdle connects a slot without a socket: at once for persistent
// modes, when a request is due in close mode, after any back-off.
func (w *worker) advanceIdle(c *conn, now int64) {
	if c.retryAt > now {
		w.schedule(c, c.retryAt)
		return
	}
	if w.p.mode.Closes() {
		if !w.enqueueDue(c, now) {
			return
		}
	} else if (now >= w.p.endNs || c.spent()) && !w.hasBacklog(c) {
		return
	}
	w.connect(c, now)
}

// enqueueDue puts the requests that are due on the connection, up to its
// depth, and schedules a wake-up for the next one. In close mode this
// happens before the connect, so the connect counts in service time.
func (w *worker) enqueueDue(c *conn, now int64) bool {
	if c.wLen > 0 {
		return false // a write is still going out
	}
	added := false
	for c.n < w.room(c) {
		if len(c.retry) > 0 { // HTTP/2: a lost connection's requests go first
			s := c.takeRetry()
			s.sent, s.stream, s.status = now, 0, 0
			c.push(s)
			c.unwritten++
			added = true
			continue
		}
		if !w.mayEnqueue(c, now) {
			break
		}
		intended := now
		if w.p.open {
			intended = w.p.intended(c.phase, c.next)
			if intended >= w.p.endNs {
				break
			}
			if intended > now {
				w.schedule(c, intended)
				break
			}
		} else if now >= w.p.endNs {
			break
		}
		w.recordSend(c, intended, now)
		c.push(reqSlot{k: c.next, intended: intended, sent: now, t: w.p.pick.pick(c.gidx, c.next)})
		c.next++
		c.unwritten++
		added = true
	}
	return added
}

// room is how many requests c may have outstanding: the pipeline depth,
// or HTTP/2's streams as the server allows them (none before its SETTINGS).
func (w *worker) room(c *conn) int {
	switch {
	case !c.multiplexed:
		return w.p.mode.InFlight()
	case c.h2 == nil:
		return 0
	}
	return c.h2.room(w.p.streams)
}

// mayEnqueue says the slot's --requests share (if any) lets it send
// another request. A closed-loop slot's window opens with its first
// request after the warm-up.
func (w *worker) mayEnqueue(c *conn, now int64) bool {
	if w.p.requests == 0 {
		return true
	}
	if c.winFrom < 0 && now >= w.p.warmupNs {
		c.openWindow(c.next)
	}
	return !c.spent()
}

// recordSend records the send lag of a measured open-loop request, once.
func (w *worker) recordSend(c *conn, intended, now int64) {
	if !w.p.open || c.next < c.sentHigh || !w.p.measured(intended, now) {
		return
	}
	c.sentHigh = c.next + 1
	w.rec.sent(now-intended, now-max(intended, c.roomAt))
}

// flush writes the requests not yet written, in one send when it can.
func (w *worker) flush(c *conn, now int64) {
	if c.state != stOpen || c.unwritable {
		return
	}
	if c.wLen == 0 && !w.stageWrite(c, now) {
		return
	}
	out := w.outgoing(c)
	for c.wOff < c.wLen {
		n, e := sysSend(c.fd, out[c.wOff:c.wLen])
		switch e {
		case 0:
			c.wOff += n
		case unix.EINTR:
		case unix.EAGAIN:
			w.setEvents(c, unix.EPOLLIN|unix.EPOLLOUT)
			return
		default:
			w.writeFailed(c, now, e)
			return
		}
	}
	more := false // bytes queued while this write went out: tls's own (a key update), HTTP/2's frames
	if c.sec != nil {
		lc := &c.sec.lc
		lc.out = lc.out[:copy(lc.out, lc.out[c.wLen:])]
		more = len(lc.out) > 0
	}
	c.wLen, c.wOff, c.unwritten = 0, 0, 0
	w.setEvents(c, unix.EPOLLIN)
	if more || c.h2 != nil && len(c.h2.sink.b) > 0 {
		w.flush(c, now)
	}
}

// writeFailed ends a socket whose write failed. An HTTP/2 server that
// closed it may have sent what settles its streams first (responses, a
// GOAWAY naming the last one it processed): that is read before the
// socket is failed, and the read ends in the same error when nothing is
// left. Failing at once would charge the oldest request, answered or not.
func (w *worker) writeFailed(c *conn, now int64, e unix.Errno) {
	if !c.multiplexed {
		w.fail(c, now, writeClass(e), e)
		return
	}
	gen := c.gen
	c.unwritable, c.wLen, c.wOff = true, 0, 0
	w.onReadable(c, now)
	if c.gen == gen && c.state == stOpen {
		w.fail(c, now, writeClass(e), e)
	}
}

// stageWrite sets up the next write: the requests not yet written,
// encrypted on a TLS socket. false: nothing to write, or the socket failed.
func (w *worker) stageWrite(c *conn, now int64) bool {
	if c.h2 != nil {
		return w.stageH2(c, now)
	}
	plain := w.unwrittenRequests(c)
	c.wOff = 0
	if c.sec == nil {
		c.wLen = len(plain)
		return c.wLen > 0
	}
	out, err := w.encrypt(c, plain)
	if err != nil {
		w.fail(c, now, classTLS, err)
		return false
	}
	c.wLen = len(out)
	return c.wLen > 0
}

// outgoing is what flush sends from: the requests, or their ciphertext.
func (w *worker) outgoing(c *conn) []byte {
	switch {
	case c.sec != nil:
		return c.sec.lc.out
	case w.p.mixed() || c.h2 != nil:
		return c.wbuf
	}
	return w.p.batch
}

// unwrittenRequests is the bytes of c's requests not yet written: a
// prefix of the batch for one request; for a mix, the picked requests
// gathered into c's write buffer (grown once, then reused).
func (w *worker) unwrittenRequests(c *conn) []byte {
	if !w.p.mixed() {
		return w.p.batch[:c.unwritten*len(w.p.reqs[0].wire)]
	}
	c.wbuf = c.wbuf[:0]
	for i := c.n - c.unwritten; i < c.n; i++ {
		c.wbuf = append(c.wbuf, w.p.reqs[c.at(i).t].wire...)
	}
	return c.wbuf
}

// onWritable continues a partial write, then sends what became due.
func (w *worker) onWritable(c *conn, now int64) {
	w.flush(c, now)
	if c.state == stOpen && c.wLen == 0 {
		w.advance(c, now)
	}
}

func (w *worker) setEvents(c *conn, events uint32) {
	if c.events == events || c.fd < 0 {
		return
	}
	if err := w.poll.mod(c.fd, events, c.idx, c.gen); err != nil {
		w.fail(c, w.p.now(), classRead, err)
		return
	}
	c.events = events
}

// connect opens a new socket for the slot.
func (w *worker) connect(c *conn, now int64) {
	c.connectAt = now
	fd, connected, err := dial(w.sa, w.family, w.p.nodelay)
	if err != nil {
		w.connectFailed(c, now, err)
		return
	}
	c.fd, c.state, c.answered = fd, stConnecting, false
	c.gen++
	c.parser.reset(false)
	events := uint32(unix.EPOLLIN | unix.EPOLLOUT)
	if err := w.poll.add(fd, events, c.idx, c.gen); err != nil {
		c.closeSocket()
		w.connectFailed(c, now, err)
		return
	}
	c.events = events
	if connected {
		w.onConnected(c, now)
	}
}

// onConnected: the TCP connect is done; a TLS socket handshakes next.
func (w *worker) onConnected(c *conn, now int64) {
	w.rec.connects++
	if now >= w.p.warmupNs {
		w.rec.connected(now - c.connectAt)
	}
	if w.hs != nil {
		w.startHandshake(c, now)
		return
	}
	w.setEvents(c, unix.EPOLLIN)
	w.onSecured(c, now)
}

// onSecured: the socket is ready for requests; HTTP/2 sends its preface
// first, and requests wait for the server's SETTINGS.
func (w *worker) onSecured(c *conn, now int64) {
	c.state, c.ever, c.roomAt = stOpen, true, now
	if c.multiplexed {
		c.h2 = newH2Conn(now)
		c.h2.preface()
	}
	w.advance(c, now)
}

// connectFailed counts a connect error; requests waiting for this socket
// are not lost: they go out on the next one.
func (w *worker) connectFailed(c *conn, now int64, err error) {
	w.setupFailed(c, now, classConnect, err)
}

// setupFailed ends a socket that failed before it carried requests (its
// connect, its TLS handshake): the error counts by its time, and the
// slot backs off.
func (w *worker) setupFailed(c *conn, now int64, class errClass, err error) {
	c.closeSocket()
	w.countError(class, now, err)
	c.failures++
	c.requeue()
	c.retryAt = now + backoffNs(c.failures)
	w.advance(c, now)
}

// checkTimeout fails a connect or the oldest request that ran too long.
func (w *worker) checkTimeout(c *conn, now int64) {
	switch {
	case c.state == stConnecting && now-c.connectAt >= w.p.timeoutNs:
		w.connectFailed(c, now, errConnectTimeout)
	case c.n > 0 && c.state == stOpen && now-c.front().sent >= w.p.timeoutNs:
		s := c.popFront()
		if w.counts(c, s, now) {
			w.rec.timeout(now, now-s.intended, now-s.sent, s.t)
			w.errs++
		}
		w.drop(c, now)
	case c.h2 != nil && c.n == 0 && w.room(c) == 0 && now-c.h2.since >= w.p.timeoutNs:
		w.h2Stalled(c, now)
	}
}

// countError counts an error that belongs to no request, by its time.
func (w *worker) countError(class errClass, now int64, err error) {
	if now >= w.p.warmupNs {
		w.rec.fail(class, err)
		w.errs++
		return
	}
	w.rec.note(class, err)
}
