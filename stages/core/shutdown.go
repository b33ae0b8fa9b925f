package core

import "golang.org/x/sys/unix"

// Shutdown begins a graceful drain from any goroutine: the listener closes,
// idle connections close, in-flight requests finish (Conn.Draining tells the
// protocol to close after its response), and Serve returns once no
// connection is left or DrainTimeout has passed, force-closing the rest.
// Shutdown before Serve makes Serve return at once.
func (r *Reactor) Shutdown() {
	r.shutdownReq.Store(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.life == lifeServing {
		r.wakeLocked()
	}
}

// Close stops the reactor now from any goroutine: every connection and the
// listener are closed and Serve returns. Close before Serve releases the
// sockets; Serve then returns ErrServed.
func (r *Reactor) Close() {
	r.closeReq.Store(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch r.life {
	case lifeNew:
		r.releaseFds()
		r.closeHandoff()
		r.life = lifeDone
	case lifeServing:
		r.wakeLocked()
	}
}

// begin moves the reactor to serving; false if it already ran or was closed.
func (r *Reactor) begin() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.life != lifeNew {
		return false
	}
	r.life = lifeServing
	return true
}

// end releases the reactor's own fds under mu, so a concurrent Shutdown or
// Close can never write to an eventfd number that has been closed (and
// perhaps reused by someone else).
func (r *Reactor) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.releaseFds()
	r.closeHandoff()
	r.life = lifeDone
}

// finished applies Close and Shutdown requests and reports whether the loop
// should stop. It runs once per loop iteration: two atomic loads.
func (r *Reactor) finished() bool {
	if r.closeReq.Load() {
		r.closeAll()
		return true
	}
	if !r.draining && r.shutdownReq.Load() {
		if !r.shutdownSeen {
			// Bytes that reached a socket before Shutdown are a request in
			// progress, but their event (under io_uring, the deferred
			// receive) may not be handled yet: one more turn that does not
			// sleep collects them before idle connections are closed.
			r.shutdownSeen = true
			return false
		}
		r.beginDrain()
	}
	if !r.draining {
		return false
	}
	if r.nconns == 0 {
		r.log.Info("core: drained", "addr", r.addr)
		r.closeAll() // refused connections still lingering
		return true
	}
	if r.nowNs >= r.drainDeadline {
		r.log.Warn("core: drain timeout, closing remaining connections",
			"addr", r.addr, "connections", r.nconns)
		r.closeAll()
		return true
	}
	return false
}

// beginDrain stops accepting and closes every connection with no request
// in progress: the idle list (no request, no output pending; pending output
// moves a connection to Writing), and the connections that have not sent a
// byte yet, which wait in the Reading list for their first request.
func (r *Reactor) beginDrain() {
	r.draining = true
	r.drainDeadline = r.nowNs + int64(r.cfg.DrainTimeout)
	r.closeListener()
	r.log.Info("core: draining", "addr", r.addr, "connections", r.nconns,
		"deadline", r.cfg.DrainTimeout)
	for c := r.head(PhaseIdle); c != nil; c = r.head(PhaseIdle) {
		r.closeConn(c)
	}
	r.closeSilent()
}

// closeSilent closes the Reading-list connections that have read nothing.
func (r *Reactor) closeSilent() {
	for fd := r.timers.lists[PhaseReading].head; fd != noFd; {
		c := r.table.at(fd)
		fd = c.next // closeConn unlinks c
		if c.fresh && c.end == c.start {
			r.closeConn(c)
		}
	}
}

// closeAll closes every connection (each is in exactly one timer list) and
// the listener.
func (r *Reactor) closeAll() {
	r.closeListener()
	for p := range Phase(numPhases) {
		for c := r.head(p); c != nil; c = r.head(p) {
			r.closeConn(c)
		}
	}
}

// releaseFds closes the listener, epoll and eventfd. Callers hold mu or
// own the reactor exclusively (New failing).
func (r *Reactor) releaseFds() {
	r.closeListener()
	r.closeRing()
	for _, fd := range []*int{&r.epfd, &r.efd} {
		if *fd >= 0 {
			_ = unix.Close(*fd) // not a connection syscall; not counted
			*fd = -1
		}
	}
}
