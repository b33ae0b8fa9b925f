package core

import (
	"fmt"
	"math/bits"

	"golang.org/x/sys/unix"

	"latencylab/stages/core/uring"
)

// Engine is how a reactor learns of and does its I/O.
type Engine uint8

const (
	// EngineEpoll: readiness from epoll_wait, then read(2) and write(2)
	// on the sockets that are ready.
	EngineEpoll Engine = iota
	// EngineUring: io_uring completions. A multishot accept and one
	// multishot receive per connection into provided buffers stay armed;
	// responses are send requests; one io_uring_enter per loop turn
	// submits them and collects what completed. The loop, the connection
	// table, timers, limits, the budget and the handler are the same.
	EngineUring
)

func (e Engine) String() string {
	if e == EngineUring {
		return "io_uring"
	}
	return "epoll"
}

// Send is how the io_uring engine sends a response.
type Send uint8

const (
	// SendRing copies every response into pending output and submits it
	// as a send request with the turn's enter: no syscall per response.
	SendRing Send = iota
	// SendWrite writes a response at once with write(2), as under epoll,
	// and submits a send request only for what the kernel did not take:
	// no copy, but a syscall per response (the hybrid, measured as the
	// variant uring-write).
	SendWrite
)

// ErrUringUnavailable is wrapped by New's error when the kernel refuses
// io_uring (EPERM, ENOSYS) or lacks what the engine needs.
var ErrUringUnavailable = uring.ErrUnavailable

// ringFlags: one thread submits (SINGLE_ISSUER), and the kernel runs
// completion work only when that thread enters (DEFER_TASKRUN), telling
// it through the SQ ring's flags (TASKRUN_FLAG) instead of an interrupt.
const ringFlags = uring.SetupSingleIssuer | uring.SetupDeferTaskrun | uring.SetupTaskrunFlag |
	uring.SetupSubmitAll | uring.SetupClamp

// The op in a request's user_data, with the connection's fd and
// generation: never a Go pointer.
const (
	opAccept uint8 = iota + 1
	opRecv
	opSend
	opWake
	opCancel
)

const udGenMask = 1<<28 - 1

func userData(op uint8, fd int, gen uint32) uint64 {
	return uint64(op)<<60 | uint64(gen&udGenMask)<<32 | uint64(uint32(fd))
}

func splitUserData(ud uint64) (op uint8, fd int, gen uint32) {
	return uint8(ud >> 60), int(int32(uint32(ud))), uint32(ud>>32) & udGenMask
}

// Limits of the engine's own state.
const (
	recvGroup     = 0        // the provided-buffer group id
	stashMax      = 4        // buffers a connection may hold unread before its receive is cancelled
	overflowPause = 16 << 10 // overflow bytes past which a backpressured connection's receive is cancelled
	outFreeMax    = 256      // output buffers kept for reuse
	outKeepMax    = 16 << 10 // larger output buffers are not kept
)

// uringEngine is the reactor's io_uring state. The ring is made on the
// loop's own locked thread (SINGLE_ISSUER, and registered ring fds are
// per thread), when Serve begins.
type uringEngine struct {
	ring    *uring.Ring
	bufs    *uring.BufRing
	bufNext []int32 // stash links: the next buffer of the same connection
	bufLen  []int32 // bytes the kernel put in each buffer
	charged int     // ring memory charged to the budget

	acceptArmed, wakeArmed bool
	starved                []connRef         // receives ended by ENOBUFS: armed again once buffers come back
	freed                  int               // buffers given back (for tests)
	taken                  int               // buffers completions handed us and we have not given back
	orphans                map[uint64][]byte // buffers of sends still in flight for closed connections
	outFree                [][]byte
	// closing holds the fds of closed connections until the requests
	// prepared for them are in the kernel (closeLater).
	closing               []int
	paused, starvedTotal  int // receives cancelled for backpressure, ended by ENOBUFS (for tests)
	overflowed, stashPeak int // completions copied to an overflow; the most buffers one connection held (for tests)
}

// connUring is a connection's io_uring state.
type connUring struct {
	head, tail int32 // stashed buffers, oldest first; -1: none
	off        int32 // bytes of head already taken
	stashed    int
	armed      bool // a multishot receive is in flight
	cancelling bool // and its cancel has been asked for
	eof, err   bool // the receive ended: after the stash, EOF or an error
	starved    bool // ended by ENOBUFS: armed again once buffers come back
	sending    bool
	inflight   []byte // the buffer under the send: kept alive until its CQE
	// inflightOwn: pending output outgrew inflight (growOut) while the
	// send ran; inflight is then charged to the budget on its own.
	inflightOwn bool
	over        []byte // received past the stash's bound: over[overOff:] comes after it
	overOff     int
}

// RingMemory is what the io_uring engine charges to MemoryMax for as long
// as it serves (its receive buffers); 0 under epoll. Defaults apply.
func (cfg Config) RingMemory() int {
	cfg = cfg.withDefaults()
	if cfg.Engine != EngineUring {
		return 0
	}
	return uring.Bytes(cfg.RecvBuffers, cfg.RecvBufferSize)
}

func (cfg Config) validateUring() error {
	ring := uring.Bytes(cfg.RecvBuffers, cfg.RecvBufferSize)
	switch {
	case cfg.RecvBuffers < 0 || cfg.RecvBuffers > 1<<15 || bits.OnesCount(uint(cfg.RecvBuffers)) != 1:
		return fmt.Errorf("core config: RecvBuffers %d: want a power of two up to 32768", cfg.RecvBuffers)
	case cfg.RecvBufferSize < 0 || cfg.RingEntries < 0 || cfg.RingEntries > 1<<15:
		return fmt.Errorf("core config: RecvBufferSize %d, RingEntries %d: want positive sizes, at most 32768 entries",
			cfg.RecvBufferSize, cfg.RingEntries)
	case cfg.MemoryMax < ring+cfg.ReadBufferSize:
		return fmt.Errorf("core config: MemoryMax %d cannot hold the io_uring receive buffers (%d bytes) and a read buffer",
			cfg.MemoryMax, ring)
	}
	return nil
}

// UringAvailable asks the kernel for a ring with the engine's flags and
// gives it back, so that New fails with the reason where io_uring is
// refused, before anything serves.
func UringAvailable() error {
	r, err := uring.Setup(2, ringFlags)
	if err != nil {
		return err
	}
	r.Close()
	return nil
}

// openRing makes the ring, its receive buffers (charged to the budget),
// and arms the wake poll and the accept. It runs on the loop's thread.
func (r *Reactor) openRing() error {
	ring, err := uring.Setup(uint32(r.cfg.RingEntries), ringFlags)
	if err != nil {
		return err
	}
	if err := ring.RegisterRingFd(); err != nil {
		r.log.Debug("core: io_uring ring fd not registered", "err", err)
	}
	bufs, err := ring.RegisterBufRing(recvGroup, r.cfg.RecvBuffers, r.cfg.RecvBufferSize)
	if err != nil {
		ring.Close()
		return err
	}
	u := &uringEngine{ring: ring, bufs: bufs, orphans: map[uint64][]byte{},
		bufNext: make([]int32, r.cfg.RecvBuffers), bufLen: make([]int32, r.cfg.RecvBuffers)}
	u.charged = r.cfg.RingMemory()
	r.mem.add(u.charged)
	r.ur = u
	r.rearmRing()
	return nil
}

// closeRing releases the ring: the kernel cancels what is in flight. It
// runs on the loop's thread, which registered the ring fd.
func (r *Reactor) closeRing() {
	if r.ur == nil || r.ur.ring == nil {
		return
	}
	r.ur.ring.UnregisterRingFd()
	r.ur.bufs.Unregister(r.ur.ring)
	r.ur.ring.Close()
	r.ur.ring = nil
	r.mem.add(-r.ur.charged)
	for ud, b := range r.ur.orphans { // the ring's teardown ends their sends
		r.mem.add(-cap(b))
		delete(r.ur.orphans, ud)
	}
	r.closeDeferred() // no request can name them any more
}

// closeLater closes a connection's fd once the requests prepared for it
// (its cancels, a send, a receive) have been submitted. The kernel looks
// a request's fd up when it takes the request: were the fd closed
// before, a socket accepted meanwhile could get its number and the
// request would act on that connection. Until then the number stays
// taken. Completions for the closed connection are stale by generation.
func (r *Reactor) closeLater(fd int) { r.ur.closing = append(r.ur.closing, fd) }

// closeDeferred closes the fds closeLater kept, once the kernel has taken
// every prepared request (always, once the ring is gone).
func (r *Reactor) closeDeferred() {
	u := r.ur
	if len(u.closing) == 0 || (u.ring != nil && u.ring.Unconsumed() > 0) {
		return
	}
	for _, fd := range u.closing {
		r.closeFd(fd)
	}
	u.closing = u.closing[:0]
}

// sqe returns a submission entry, submitting the full queue first when
// there is none free. Every request the core makes is counted here.
func (r *Reactor) sqe() *uring.SQE {
	e := r.ur.ring.SQE()
	for e == nil {
		r.ur.bufs.Publish() // receives submitted now may use the buffers given back this turn
		if errno := r.submitRing(); !enterOK(errno) {
			r.log.Error("core: io_uring_enter (queue full)", "err", errno)
		}
		e = r.ur.ring.SQE()
	}
	r.ctr.sqes.Add(1)
	return e
}

// rearmRing arms what ended: the wake poll, the accept, and the receives
// that ran out of buffers once some came back. It runs once per turn.
func (r *Reactor) rearmRing() {
	u := r.ur
	u.bufs.Publish()
	if !u.wakeArmed {
		r.sqe().PrepPollMultishot(r.efd, userData(opWake, r.efd, 0))
		u.wakeArmed = true
	}
	if !u.acceptArmed && r.lfd >= 0 && !r.acceptPaused && !r.draining {
		r.sqe().PrepAcceptMultishot(r.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, userData(opAccept, r.lfd, 0))
		u.acceptArmed = true
	}
	if u.taken < len(u.bufLen) && len(u.starved) > 0 { // some buffer is the kernel's again
		for _, ref := range u.starved {
			if c := r.table.lookup(int(ref.fd), ref.gen); c != nil && c.ux.starved {
				c.ux.starved = false
				r.afterSettle(c)
			}
		}
		u.starved = u.starved[:0]
	}
}

// register starts serving a new connection: its multishot receive.
func (r *Reactor) register(c *Conn) error {
	if r.ur == nil {
		return r.sysEpollCtl(unix.EPOLL_CTL_ADD, c.fd, connEvents, int32(c.gen))
	}
	c.ux = connUring{head: -1, tail: -1}
	r.armRecv(c)
	return nil
}

func (r *Reactor) armRecv(c *Conn) {
	if c.ux.armed || c.ux.eof || c.ux.err {
		return
	}
	r.sqe().PrepRecvMultishot(c.fd, recvGroup, userData(opRecv, c.fd, c.gen))
	c.ux.armed, c.ux.cancelling = true, false
}

// cancelRecv stops c's receive; what it already received still arrives.
func (r *Reactor) cancelRecv(c *Conn) {
	if !c.ux.armed || c.ux.cancelling {
		return
	}
	r.sqe().PrepCancel(userData(opRecv, c.fd, c.gen), userData(opCancel, c.fd, c.gen))
	c.ux.cancelling = true
	r.ur.paused++
}

// lookupUD finds the connection a completion belongs to, or nil when it
// belongs to one closed since.
func (r *Reactor) lookupUD(fd int, gen uint32) *Conn {
	if fd < 0 || fd >= len(r.table.slots) {
		return nil
	}
	c := r.table.slots[fd]
	if c == nil || c.state == stateFree || c.gen&udGenMask != gen {
		return nil
	}
	return c
}
