package load

import "golang.org/x/sys/unix"

// onEvent dispatches one epoll event; events of a socket that has since
// been closed carry an old generation and are ignored.
func (w *worker) onEvent(ev unix.EpollEvent) {
	idx := uint32(ev.Fd)
	if idx == wakeIdx {
		w.onHandshakes()
		return
	}
	if int(idx) >= len(w.conns) {
		return
	}
	c := &w.conns[idx]
	gen := uint32(ev.Pad)
	if gen != c.gen || c.fd < 0 {
		return
	}
	now := w.p.now()
	switch c.state {
	case stConnecting:
		if err := connectResult(c.fd); err != nil {
			w.connectFailed(c, now, err)
			return
		}
		w.onConnected(c, now)
	case stOpen:
		if ev.Events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			w.onReadable(c, now)
		}
		if c.gen == gen && c.state == stOpen && c.wLen > 0 && ev.Events&unix.EPOLLOUT != 0 {
			w.onWritable(c, now)
		}
	}
}

// onReadable reads what the socket has, completes responses, then sends
// what became due. A completion is timed when its last bytes are read.
func (w *worker) onReadable(c *conn, now int64) {
	for range readsPerEvent {
		n, e := sysRead(c.fd, w.buf)
		now = w.p.now()
		switch {
		case e == unix.EINTR:
			continue
		case e == unix.EAGAIN:
		case e != 0:
			w.fail(c, now, readClass(e), e)
			return
		case n == 0:
			w.onEOF(c, now)
			return
		default:
			if !w.take(c, w.buf[:n], now) {
				return
			}
			if n == len(w.buf) {
				continue // there may be more
			}
		}
		break
	}
	if w.hold(c, now) {
		return
	}
	w.advance(c, now)
}

// take is what the loop read: plaintext, or a TLS socket's ciphertext.
func (w *worker) take(c *conn, b []byte, now int64) bool {
	if c.sec != nil {
		return w.consumeTLS(c, b, now)
	}
	return w.consume(c, b, now)
}

// consume feeds bytes to the parser; false means the socket is gone.
func (w *worker) consume(c *conn, b []byte, now int64) bool {
	if c.h2 != nil {
		return w.consumeH2(c, b, now)
	}
	for len(b) > 0 {
		if c.n == 0 {
			w.fail(c, now, classParse, errUnsolicited)
			return false
		}
		if !c.parser.started {
			c.parser.headReq = w.p.reqs[c.front().t].head // the response answers the oldest request
		}
		m, done, err := c.parser.feed(b)
		b = b[m:]
		if err != nil {
			w.fail(c, now, classParse, err)
			return false
		}
		if !done {
			return true
		}
		if !w.complete(c, now) {
			return false
		}
	}
	return true
}

// complete records the response at the head of the connection. false
// means the response ended the connection (it has been replaced).
func (w *worker) complete(c *conn, now int64) bool {
	if c.n == w.room(c) {
		c.roomAt = now // it was full: from now on it can send
	}
	s := c.popFront()
	status, closeConn := c.parser.status, c.parser.closeConn || w.p.mode.Closes()
	w.record(c, s, now, status)
	c.parser.reset(false)
	if closeConn {
		w.drop(c, now)
		return false
	}
	return true
}

// record counts the response to s, with its status.
func (w *worker) record(c *conn, s reqSlot, now int64, status int) {
	if w.counts(c, s, now) {
		w.rec.response(now, now-s.intended, now-s.sent, status, s.t)
		if status >= 400 {
			w.errs++
		}
	} else {
		w.rec.warmupResponses++
	}
	w.responses++
	c.failures, c.answered = 0, true
}

// betweenResponses says a close now is the keep-alive race (RFC 9112
// §9.3.1): the socket has answered before and no response has started, so
// the server closed an idle connection while a request was on its way.
// That is the same event whether the close is a FIN or an RST (a server
// closing with our request unread sends RST): its requests are retried,
// counted apart, not failed.
// HTTP/2 has no such race: a server ends a connection with GOAWAY, and a
// close with streams open fails the oldest (the others are sent again).
func betweenResponses(c *conn) bool { return !c.multiplexed && c.answered && !c.parser.started }

// onEOF: the server closed. Idle or between responses, that is a normal
// close; after a close-delimited body it completes the response.
// Otherwise the request in flight failed.
func (w *worker) onEOF(c *conn, now int64) {
	if c.multiplexed && c.n > 0 {
		w.fail(c, now, classRead, errH2Closed)
		return
	}
	if c.n == 0 || betweenResponses(c) {
		switch {
		case !c.answered:
			c.failures++ // closed before it ever answered: back off
		case c.n > 0:
			w.rec.closedBetween++ // requests were on their way: they go out again
		}
		w.drop(c, now)
		return
	}
	complete, err := c.parser.eof()
	if complete {
		w.complete(c, now)
		return
	}
	w.fail(c, now, classRead, err)
}

// fail ends the socket: the request at its head (if any) failed with class;
// the requests behind it go out again on the next socket. A reset (or a
// write that fails because of one) between responses is the keep-alive
// race, as a FIN there is (see onEOF).
func (w *worker) fail(c *conn, now int64, class errClass, err error) {
	if (class == classReset || class == classWrite) && betweenResponses(c) {
		if c.n > 0 {
			w.rec.closedBetween++
		}
		w.drop(c, now)
		return
	}
	if c.n > 0 {
		w.failed(c, c.popFront(), now, class, err)
	} else {
		w.countError(class, now, err)
	}
	if !c.answered {
		c.failures++
	}
	w.drop(c, now)
}

// failed counts request s as failed with class, if it is measured; a
// warm-up failure keeps its message only.
func (w *worker) failed(c *conn, s reqSlot, now int64, class errClass, err error) {
	if w.counts(c, s, now) {
		w.rec.failRequest(class, err, s.t)
		w.errs++
		return
	}
	w.rec.note(class, err)
}

// drop closes the socket, requeues its outstanding requests and moves on
// (reconnecting after the back-off, if any).
func (w *worker) drop(c *conn, now int64) {
	c.closeSocket()
	c.requeue()
	c.roomAt = now
	c.retryAt = now + backoffNs(c.failures)
	w.advance(c, now)
}
