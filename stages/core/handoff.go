package core

import (
	"time"

	"golang.org/x/sys/unix"
)

// Listener says how connections reach a reactor.
type Listener uint8

const (
	ListenOwn       Listener = iota // its own listening socket
	ListenReusePort                 // its own, one of several on the port (SO_REUSEPORT)
	ListenNone                      // none: a Group's acceptor hands connections over (Adopt)
)

// Adopt hands an accepted, non-blocking socket to the reactor from another
// goroutine (a Group's acceptor). The reactor takes it in on its next
// loop iteration, as if it had accepted it: counted, refused over MaxConns,
// closed while draining. Adopt wakes the loop only when the queue was
// empty, so a burst costs one eventfd write. It returns false, and the
// caller keeps the socket, when the reactor has ended or HandoffMax
// sockets are already waiting.
func (r *Reactor) Adopt(fd int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.life == lifeDone || len(r.handoff) >= r.cfg.HandoffMax {
		return false
	}
	r.handoff = append(r.handoff, fd)
	r.inHandoff.Add(1)
	if len(r.handoff) == 1 && r.life == lifeServing {
		r.wakeLocked()
	}
	return true
}

// adoptAll takes in every handed-over socket. The two halves of the
// handoff double buffer swap under mu; admitting runs outside it.
func (r *Reactor) adoptAll() {
	r.mu.Lock()
	fds := r.handoff
	r.handoff = r.handoffSpare[:0]
	r.mu.Unlock()
	for _, fd := range fds {
		r.inHandoff.Add(-1)
		r.admit(fd)
	}
	r.handoffSpare = fds[:0]
}

// closeHandoff closes what was handed over and never taken in, when the
// reactor ends. r.mu is held.
func (r *Reactor) closeHandoff() {
	for _, fd := range r.handoff {
		r.ctr.rejected.Add(1)
		_ = unix.Close(fd)
		r.inHandoff.Add(-1)
	}
	r.handoff = r.handoff[:0]
}

// Load is what a balancer reads of a reactor, from any goroutine.
type Load struct {
	Active  uint64 // connections open, plus those handed over and not yet taken in
	Latency int64  // LatencyEstimate, nanoseconds
}

// Load reads the reactor's load: two atomic loads (three with latency).
func (r *Reactor) Load() Load {
	l := Load{Active: r.ctr.active.Load() + uint64(max(r.inHandoff.Load(), 0))}
	if r.cfg.TrackLatency {
		l.Latency = r.latency.Load()
	}
	return l
}

// LatencyEstimate is the reactor's turn latency, an EWMA with weight
// latencyWeight: each loop turn that handled at least one event is a
// sample, from epoll_wait's return to the end of the turn, when every
// ready connection has been read and its responses written. It is the
// longest any request of that turn waited between the reactor learning of
// it and its answer leaving, so a reactor with more busy connections (or
// less CPU) reports more. A reactor with no connection reports 0: nothing
// waits there. 0 without TrackLatency.
func (r *Reactor) LatencyEstimate() time.Duration {
	if !r.cfg.TrackLatency || r.ctr.active.Load() == 0 {
		return 0
	}
	return time.Duration(r.latency.Load())
}

// latencyWeight: each sample moves the estimate by 1/8 of the difference,
// the weight TCP gives a new RTT sample (RFC 6298).
const latencyWeight = 8

// sampleTurn folds one turn into the estimate (loop goroutine only).
func (r *Reactor) sampleTurn() {
	d := int64(time.Since(r.now))
	est := r.latency.Load()
	r.latency.Store(est + (d-est)/latencyWeight)
}
