package core

import "golang.org/x/sys/unix"

// acceptAll drains the accept queue: the listener is edge-triggered, so a
// connection left in the queue would not be reported again.
func (r *Reactor) acceptAll() {
	wasPaused := r.acceptPaused
	r.acceptPaused = false
	for r.lfd >= 0 {
		fd, errno := r.sysAccept(r.lfd)
		switch errno {
		case 0:
			r.admit(fd)
		case unix.EAGAIN:
			return
		case unix.EINTR, unix.ECONNABORTED:
			continue // the next connection may be fine
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			// Out of fds or memory: back off and retry on a timer instead
			// of spinning; closing connections frees fds meanwhile.
			r.acceptPaused = true
			if !wasPaused {
				r.log.Warn("core: accept4 paused", "err", errno)
			}
			return
		default:
			r.log.Error("core: accept4", "fd", r.lfd, "err", errno)
			return
		}
	}
}

// admit registers an accepted socket, or refuses it: over MaxConns it is
// told Config.Reject (refuseNew); while draining it is closed at once.
// Either way it is counted.
func (r *Reactor) admit(fd int) {
	if r.draining {
		r.ctr.rejected.Add(1)
		r.closeFd(fd)
		return
	}
	if r.nconns >= r.cfg.MaxConns {
		r.refuseNew(fd)
		return
	}
	if r.cfg.NoDelay {
		if err := r.sysSetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
			r.log.Warn("core: setsockopt TCP_NODELAY", "fd", fd, "err", err)
			r.closeFd(fd)
			return
		}
	}
	c := r.table.open(fd)
	c.init(r, fd)
	if err := r.register(c); err != nil {
		r.log.Error("core: epoll_ctl add", "fd", fd, "err", err)
		r.table.release(c)
		r.closeFd(fd)
		return
	}
	r.nconns++
	r.ctr.accepted.Add(1)
	r.ctr.active.Add(1)
	r.setPhase(c, PhaseReading) // a new connection owes its first request
	r.h.Open(c)
	// Input already queued is reported by the ADD itself (epoll checks
	// readiness on insert), or by the receive's first completion under
	// io_uring, so there is nothing to read yet; settle only applies what
	// Open did (a greeting, CloseAfterWrite).
	r.settle(c)
}

// refuseNew answers a connection over MaxConns with Config.Reject and
// closes it the way every last response is closed: write without
// blocking, half-close, then read and drop whatever the peer sent until its
// FIN. Closing at once would turn a request already in the receive queue
// into an RST, and an RST can destroy the refusal before the peer reads
// it. At most RefusedMax linger at once; past that a flood gets the
// refusal written, one read of its input dropped, and a close.
func (r *Reactor) refuseNew(fd int) {
	r.ctr.rejected.Add(1)
	if r.nrefused >= r.cfg.RefusedMax {
		r.refuseAtOnce(fd)
		return
	}
	c := r.table.open(fd)
	c.init(r, fd)
	c.refused = true
	if err := r.register(c); err != nil {
		r.table.release(c)
		r.refuseAtOnce(fd)
		return
	}
	r.nrefused++
	c.write(r.refusal(), true)
	c.CloseAfterWrite()
	c.inReady = true // a request may already be queued: read it away
	r.settle(c)
}

// refuseAtOnce is the bounded fallback of refuseNew.
func (r *Reactor) refuseAtOnce(fd int) {
	if msg := r.refusal(); len(msg) > 0 {
		_, _ = r.sysWrite(fd, msg)
	}
	_ = r.sysShutdown(fd, unix.SHUT_WR)
	_, _ = r.sysRead(fd, r.scratch)
	r.closeFd(fd)
}

// closeConn ends a connection: handler Close, buffer back to the pool, fd
// closed (which also removes it from epoll: no EPOLL_CTL_DEL needed, and a
// late event for it is caught by the generation check).
func (r *Reactor) closeConn(c *Conn) {
	if c.state == stateFree || c.state == stateClosing {
		return
	}
	r.unlink(c)
	c.advance(stateClosing)
	if !c.refused {
		r.h.Close(c)
	}
	r.releaseBuf(c)
	if r.ur != nil {
		r.forgetRing(c)
	}
	r.dropOut(c)
	if r.ur != nil {
		r.closeLater(c.fd)
	} else {
		r.closeFd(c.fd)
	}
	r.table.release(c)
	c.session = nil
	if c.refused {
		r.nrefused--
		return
	}
	r.nconns--
	r.ctr.active.Add(^uint64(0))
}

func (r *Reactor) closeFd(fd int) {
	if err := r.sysClose(fd); err != nil {
		r.log.Warn("core: close", "fd", fd, "err", err)
	}
}
