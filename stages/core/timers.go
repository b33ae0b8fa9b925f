package core

// Timers. Every open connection sits in exactly one FIFO list, the one for
// its phase. All connections of a phase share one timeout, and the clock
// only moves forward, so appending at the tail keeps each list sorted by
// deadline: the head is always the next to expire. Insert, remove and
// "next deadline" are O(1) and allocate nothing — the links are fd indices
// stored in the Conn, not pointers.

// phaseLinger is internal: the connection has sent its last byte and
// shut down its write side; it waits (LingerTimeout) for the peer's FIN
// while discarding input, so close(2) does not turn into an RST that could
// destroy the response in the peer's receive queue.
const (
	phaseLinger Phase = PhaseWriting + 1
	numPhases         = int(phaseLinger) + 1
)

const noFd int32 = -1

type fifo struct{ head, tail int32 }

type timers struct {
	lists   [numPhases]fifo
	timeout [numPhases]int64 // nanoseconds, per phase
}

func (tm *timers) init(cfg Config) {
	for i := range tm.lists {
		tm.lists[i] = fifo{head: noFd, tail: noFd}
	}
	tm.timeout[PhaseReading] = int64(cfg.HeaderTimeout)
	tm.timeout[PhaseIdle] = int64(cfg.IdleTimeout)
	tm.timeout[PhaseWriting] = int64(cfg.WriteTimeout)
	tm.timeout[phaseLinger] = int64(cfg.LingerTimeout)
}

// setPhase moves c to phase p with a fresh deadline. Entering the phase c is
// already in is a no-op: the deadline belongs to the phase, not to the call,
// which is what stops a slowloris client from extending its header timeout
// one byte at a time.
func (r *Reactor) setPhase(c *Conn, p Phase) {
	if c.linked && c.phase == p {
		return
	}
	r.restartPhase(c, p)
}

// restartPhase moves c to the tail of phase p with a deadline from now, even
// if c is already in p (progress was made: a request completed).
func (r *Reactor) restartPhase(c *Conn, p Phase) {
	r.unlink(c)
	c.phase = p
	c.deadline = r.nowNs + r.timers.timeout[p]
	l := &r.timers.lists[p]
	c.prev, c.next = l.tail, noFd
	if l.tail == noFd {
		l.head = int32(c.fd)
	} else {
		r.table.at(l.tail).next = int32(c.fd)
	}
	l.tail = int32(c.fd)
	c.linked = true
}

func (r *Reactor) unlink(c *Conn) {
	if !c.linked {
		return
	}
	l := &r.timers.lists[c.phase]
	if c.prev == noFd {
		l.head = c.next
	} else {
		r.table.at(c.prev).next = c.next
	}
	if c.next == noFd {
		l.tail = c.prev
	} else {
		r.table.at(c.next).prev = c.prev
	}
	c.prev, c.next, c.linked = noFd, noFd, false
}

// head returns the connection that expires first in phase p, or nil.
func (r *Reactor) head(p Phase) *Conn {
	fd := r.timers.lists[p].head
	if fd == noFd {
		return nil
	}
	return r.table.at(fd)
}

// expire closes every connection whose deadline has passed. Only the list
// heads are examined: the lists are sorted.
func (r *Reactor) expire() {
	for p := range Phase(numPhases) {
		for c := r.head(p); c != nil && c.deadline <= r.nowNs; c = r.head(p) {
			if p != phaseLinger { // a lingering close is routine, not a client fault
				r.ctr.timeouts.Add(1)
			}
			r.closeConn(c)
		}
	}
}

// nextDeadline is the earliest pending deadline in nanoseconds on the
// reactor clock, or -1 when there is none.
func (r *Reactor) nextDeadline() int64 {
	next := int64(-1)
	for p := range Phase(numPhases) {
		if c := r.head(p); c != nil && (next < 0 || c.deadline < next) {
			next = c.deadline
		}
	}
	return next
}
