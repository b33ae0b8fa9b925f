package core

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// ErrServed is returned by Serve when the reactor has already served or
// been closed: a reactor runs once.
var ErrServed = errors.New("core: reactor already served or closed")

// acceptRetryNs is how soon accepting is retried after the process ran out
// of file descriptors (EMFILE): the queue may still hold connections and
// the edge-triggered listener will not report them again by itself.
const acceptRetryNs = int64(100 * time.Millisecond)

// lifecycle is where the reactor is in its one run, guarded by Reactor.mu.
type lifecycle uint8

const (
	lifeNew lifecycle = iota
	lifeServing
	lifeDone
)

// Reactor is one epoll loop serving one listener. Everything below mu is
// owned by the loop goroutine; other goroutines use only Shutdown, Close,
// Stats, Addr and Config.
type Reactor struct {
	cfg  Config
	h    Handler
	log  *slog.Logger
	addr string
	ctr  counters

	mu          sync.Mutex // guards life and the eventfd against a concurrent end
	life        lifecycle
	shutdownReq atomic.Bool
	closeReq    atomic.Bool

	epfd, lfd, efd int
	table          table
	timers         timers
	events         []unix.EpollEvent
	ctlEvent       unix.EpollEvent // scratch for epoll_ctl, see sysEpollCtl
	wakeBuf        [8]byte
	scratch        []byte    // discarded input, see discardInput
	refuseBuf      []byte    // Config.Reject's message, reused
	again          []connRef // connections whose read budget ran out, for the next iteration
	againSpare     []connRef // the other half of the again list's double buffer
	handoff        []int     // sockets handed over by Adopt, guarded by mu
	handoffSpare   []int     // the other half of the handoff double buffer (loop goroutine)
	inHandoff      atomic.Int64
	latency        atomic.Int64 // see LatencyEstimate
	connEvents     int          // connection events in this turn
	ur             *uringEngine // EngineUring's state, from Serve on; nil under epoll

	base  time.Time // the reactor clock counts nanoseconds from here
	now   time.Time // read once per epoll_wait return
	nowNs int64

	nconns        int // open connections (the loop's own count; Stats has the atomic one)
	nrefused      int // refused connections lingering (not in nconns)
	mem           budget
	shutdownSeen  bool // Shutdown was asked; one more turn collects what came before it
	draining      bool
	drainDeadline int64
	acceptPaused  bool // accept hit EMFILE/ENFILE; retry on a timer
}

// New opens the listener and the epoll instance. The reactor does not serve
// until Serve is called.
func New(cfg Config, h Handler) (*Reactor, error) {
	if h == nil {
		return nil, errors.New("core: nil handler")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Reactor{cfg: cfg, h: h, log: cfg.Logger, epfd: -1, lfd: -1, efd: -1}
	r.events = make([]unix.EpollEvent, cfg.MaxEvents)
	r.scratch = make([]byte, discardSize)
	r.table.grow(min(cfg.MaxConns, 1024))
	r.timers.init(cfg)
	r.mem.init(cfg.MemoryMax)
	r.base = time.Now()
	r.tick()
	if cfg.Engine == EngineUring {
		if err := UringAvailable(); err != nil {
			return nil, err
		}
	}
	if err := r.openPoller(); err != nil {
		r.releaseFds()
		return nil, err
	}
	if err := r.listen(); err != nil {
		r.releaseFds()
		return nil, err
	}
	r.log.Debug("core: listening", "addr", r.addr, "backlog", cfg.Backlog)
	return r, nil
}

// Addr is the bound address with the real port ("127.0.0.1:40123").
func (r *Reactor) Addr() string { return r.addr }

// Config is the effective configuration, defaults filled in.
func (r *Reactor) Config() Config { return r.cfg }

// Stats snapshots the counters; safe from any goroutine.
func (r *Reactor) Stats() Stats {
	s := r.ctr.snapshot()
	s.MemoryHeld = uint64(r.mem.heldPub.Load())
	s.MemoryPeak = uint64(r.mem.peakPub.Load())
	return s
}

// Serve runs the loop on the calling goroutine, locked to its OS thread,
// until Close, or until a graceful Shutdown has drained every connection
// (or hit DrainTimeout). It returns nil then, and an error only if epoll
// itself fails.
func (r *Reactor) Serve() error {
	if !r.begin() {
		return ErrServed
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	loop := r.loop
	if r.cfg.Engine == EngineUring {
		loop = r.loopUring
	}
	err := loop()
	r.end()
	return err
}

func (r *Reactor) loop() error {
	r.tick()
	r.adoptAll() // handed over before Serve began: no wake was sent
	for !r.finished() {
		n, err := r.wait(r.waitMs())
		r.tick()
		if err != nil && err != unix.EINTR {
			r.closeAll()
			return fmt.Errorf("epoll_wait epfd %d: %w", r.epfd, err)
		}
		r.connEvents = 0
		for i := range max(n, 0) {
			r.dispatch(&r.events[i])
		}
		if r.connEvents > 0 && r.cfg.TrackLatency {
			r.sampleTurn() // a turn that only took in hand-offs says nothing of service
		}
		r.readAgain()
		r.expire()
		if r.acceptPaused {
			r.acceptAll()
		}
	}
	return nil
}

// tick reads the clock: once per epoll_wait return, shared by every event
// of the batch and by Conn.Now.
func (r *Reactor) tick() {
	r.now = time.Now()
	r.nowNs = int64(r.now.Sub(r.base))
}

// waitMs turns the earliest deadline into an epoll_wait timeout, rounded up
// so the loop does not wake a hair early and spin once more. -1: no timer,
// sleep until an event.
func (r *Reactor) waitMs() int {
	d := r.waitNs()
	if d <= 0 {
		return int(d)
	}
	return int(min((d+int64(time.Millisecond)-1)/int64(time.Millisecond), math.MaxInt32))
}

// waitNs is how long the loop may sleep: until the earliest deadline, 0
// when input is waiting, -1 when no timer runs.
func (r *Reactor) waitNs() int64 {
	next := r.nextDeadline()
	if r.draining && (next < 0 || r.drainDeadline < next) {
		next = r.drainDeadline
	}
	if r.acceptPaused && (next < 0 || r.nowNs+acceptRetryNs < next) {
		next = r.nowNs + acceptRetryNs
	}
	if len(r.again) > 0 || (r.shutdownSeen && !r.draining) {
		return 0 // input is waiting: only collect the events that came meanwhile
	}
	if next < 0 {
		return -1
	}
	return max(next-r.nowNs, 0)
}

// dispatch routes one event. Connection events are looked up by (fd,
// generation) from the event data; a mismatch is a stale event for an
// earlier connection on a reused fd and is counted and ignored.
func (r *Reactor) dispatch(ev *unix.EpollEvent) {
	fd := int(ev.Fd)
	switch {
	case ev.Pad == padListener && fd == r.lfd:
		r.acceptAll()
	case ev.Pad == padWake && fd == r.efd:
		r.onWake()
	default:
		c := r.table.lookup(fd, uint32(ev.Pad))
		if c == nil {
			r.ctr.stale.Add(1)
			return
		}
		r.connEvents++
		r.onConnEvent(c, ev.Events)
	}
}

// onConnEvent handles readiness in the order that loses nothing: flush
// pending output first (it may unblock the peer and is what a closing
// connection waits for), then read, then decide the connection's next state.
// EPOLLERR/EPOLLHUP trigger both attempts: the syscalls report the precise
// error, and data already in the receive queue is still processed.
func (r *Reactor) onConnEvent(c *Conn, events uint32) {
	if events&unix.EPOLLRDHUP != 0 {
		c.peerShut = true
	}
	if events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 && c.pending() > 0 {
		r.flush(c)
	}
	if events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
		c.inReady = true
	}
	r.settle(c)
}

// settle reads what can be read, then moves c to its next state: closed,
// writing (EPOLLOUT armed), lingering, or a timer phase.
func (r *Reactor) settle(c *Conn) {
	r.readConn(c)
	switch {
	case c.failed():
		r.closeConn(c)
	case c.pending() > 0:
		r.writing(c)
	default:
		r.flushed(c)
	}
	if r.ur != nil {
		r.afterSettle(c)
	}
}

// writing arms EPOLLOUT (once) and runs the write timeout.
func (r *Reactor) writing(c *Conn) {
	if r.ur != nil {
		r.sendPending(c)
	}
	if !c.armed {
		if err := r.armOut(c); err != nil {
			r.log.Warn("core: closing connection", "err", err)
			r.closeConn(c)
			return
		}
	}
	r.setPhase(c, PhaseWriting)
}

// flushed runs when c has no pending output.
func (r *Reactor) flushed(c *Conn) {
	if c.armed {
		if err := r.disarmOut(c); err != nil {
			r.log.Warn("core: closing connection", "err", err)
			r.closeConn(c)
			return
		}
	}
	switch {
	case c.rdEOF:
		// The peer sent all it ever will and every response is out.
		r.closeConn(c)
	case c.state == stateFinishing:
		r.linger(c)
	case c.state == stateLingering:
		// Half-closed already: its timer runs until the peer's FIN.
	case r.draining && c.resume == PhaseIdle:
		r.closeConn(c)
	case c.phase == PhaseWriting:
		r.setPhase(c, c.resume)
	}
}

// linger half-closes a connection whose last response is flushed: FIN goes
// out behind the response, and the peer's remaining input is read and
// dropped until its FIN (or LingerTimeout). A plain close(2) with unread
// input would send RST instead, and an RST can make the peer's kernel drop
// the response before the peer reads it. SO_LINGER with a zero timeout is
// never used for the same reason.
func (r *Reactor) linger(c *Conn) {
	if err := r.sysShutdown(c.fd, unix.SHUT_WR); err != nil {
		r.closeConn(c) // ENOTCONN etc.: the peer is gone, nothing to protect
		return
	}
	c.advance(stateLingering)
	r.releaseBuf(c)
	r.setPhase(c, phaseLinger)
}
