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

// admit registers an accepted socket, or rejects it over MaxConns (and
// while draining): accepted, closed at once, counted.
func (r *Reactor) admit(fd int) {
	if r.nconns >= r.cfg.MaxConns || r.draining {
		r.ctr.rejected.Add(1)
		r.closeFd(fd)
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
	if err := r.sysEpollCtl(unix.EPOLL_CTL_ADD, fd, connEvents, int32(c.gen)); err != nil {
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
	// readiness on insert), so there is nothing to read yet; settle only
	// applies what Open did (a greeting, CloseAfterWrite).
	r.settle(c)
}

// closeConn ends a connection: handler Close, buffer back to the pool, fd
// closed (which also removes it from epoll: no EPOLL_CTL_DEL needed, and a
// late event for it is caught by the generation check).
func (r *Reactor) closeConn(c *Conn) {
	if !c.open {
		return
	}
	r.unlink(c)
	c.closing = true
	r.h.Close(c)
	r.releaseBuf(c)
	r.closeFd(c.fd)
	r.table.release(c)
	c.session = nil
	r.nconns--
	r.ctr.active.Add(^uint64(0))
}

func (r *Reactor) closeFd(fd int) {
	if err := r.sysClose(fd); err != nil {
		r.log.Warn("core: close", "fd", fd, "err", err)
	}
}
