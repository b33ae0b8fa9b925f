package core

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// GroupConfig is the shape of a Group.
type GroupConfig struct {
	Reactors int     // how many; 1 is a single reactor with its own listener
	Balance  Balance // how connections are spread (ignored for one reactor)
	// CPUs pins reactor i's thread to CPUs[i % len(CPUs)]; empty: the
	// threads run wherever the process may.
	CPUs []int
}

// Group is N reactors serving one address. Each reactor has its own
// thread, epoll instance, connection table, timers, buffers and counters;
// nothing on the hot path is shared. Under reuseport each has its own
// listener on the port; otherwise one acceptor hands each connection to
// the reactor its Balance picks (Adopt). MaxConns and MemoryMax are the
// group's: each reactor enforces its share.
type Group struct {
	rs      []*Reactor
	cpus    []int
	balance Balance
	addr    string
	acc     *acceptor // nil under reuseport or with one reactor
}

// NewGroup builds the reactors: config(i) and handler(i) give reactor i
// its own settings (with its own buffer pool) and its own handler.
func NewGroup(gc GroupConfig, config func(i int) Config, handler func(i int) Handler) (*Group, error) {
	if gc.Reactors < 1 {
		return nil, fmt.Errorf("core: group of %d reactors", gc.Reactors)
	}
	if gc.Balance > BalanceSeedRandom {
		return nil, fmt.Errorf("core: unknown balance %d", gc.Balance)
	}
	g := &Group{cpus: gc.CPUs, balance: gc.Balance}
	if gc.Reactors > 1 && gc.Balance != BalanceReusePort {
		g.acc = &acceptor{g: g, pick: newPicker(gc.Balance, uint64(time.Now().UnixNano())), lfd: -1}
	}
	for i := range gc.Reactors {
		r, err := g.newReactor(i, gc.Reactors, config(i), handler(i))
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("core: reactor %d of %d: %w", i, gc.Reactors, err)
		}
		g.rs = append(g.rs, r)
		if i == 0 && g.acc == nil {
			g.addr = r.Addr()
		}
	}
	return g, nil
}

// newReactor makes reactor i of n: its share of the group's limits, and
// how it gets connections.
func (g *Group) newReactor(i, n int, cfg Config, h Handler) (*Reactor, error) {
	cfg = cfg.withDefaults()
	cfg.MaxConns = (cfg.MaxConns + n - 1) / n
	cfg.MemoryMax = max(cfg.MemoryMax/n, cfg.ReadBufferSize)
	switch {
	case n == 1:
		cfg.Listener = ListenOwn
	case g.acc != nil:
		if i == 0 {
			if err := g.acc.listen(cfg); err != nil {
				return nil, err
			}
			g.addr = g.acc.addr
		}
		cfg.Listener, cfg.Addr = ListenNone, g.addr
		cfg.TrackLatency = g.balance == BalanceLeastLatency
	default:
		cfg.Listener = ListenReusePort
		if i > 0 {
			cfg.Addr = g.addr // port 0 resolved by the first
		}
	}
	return New(cfg, h)
}

// Addr is the bound address.
func (g *Group) Addr() string { return g.addr }

// Reactor is reactor i.
func (g *Group) Reactor(i int) *Reactor { return g.rs[i] }

// BalanceName is the strategy /stats reports: "none" for one reactor.
func (g *Group) BalanceName() string {
	if len(g.rs) == 1 {
		return "none"
	}
	return g.balance.String()
}

// Serve runs every reactor, each on its own locked (and, with CPUs,
// pinned) thread, and the acceptor if there is one, until they have all
// returned. It returns the first error.
func (g *Group) Serve() error {
	errs := make([]error, len(g.rs))
	var wg sync.WaitGroup
	for i, r := range g.rs {
		wg.Go(func() {
			if errs[i] = g.serveReactor(i, r); errs[i] != nil {
				g.Close() // a reactor gone would still be picked: stop the group
			}
		})
	}
	if g.acc != nil {
		g.acc.start()
	}
	wg.Wait()
	if g.acc != nil {
		g.acc.stop() // every reactor is done: nothing could take a connection
	}
	return errors.Join(errs...)
}

func (g *Group) serveReactor(i int, r *Reactor) error {
	if len(g.cpus) > 0 {
		// Locked here and again by Serve: the pinned thread exits with
		// this goroutine instead of returning to the runtime's pool.
		runtime.LockOSThread()
		var set unix.CPUSet
		set.Set(g.cpus[i%len(g.cpus)])
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			r.Close()
			return fmt.Errorf("core: pin reactor %d to cpu %d: %w", i, g.cpus[i%len(g.cpus)], err)
		}
	}
	return r.Serve()
}

// Shutdown drains every reactor within the one DrainTimeout: the acceptor
// stops first, so that nothing new is handed to a draining reactor.
func (g *Group) Shutdown() {
	if g.acc != nil {
		g.acc.stop()
	}
	for _, r := range g.rs {
		r.Shutdown()
	}
}

// Close stops every reactor now.
func (g *Group) Close() {
	if g.acc != nil {
		g.acc.stop()
	}
	for _, r := range g.rs {
		r.Close()
	}
}

// Stats sums the reactors' counters, and the acceptor's. MemoryPeak is the
// sum of each reactor's peak: an upper bound of the group's.
func (g *Group) Stats() Stats {
	var s Stats
	for _, r := range g.rs {
		s.add(r.Stats())
	}
	if g.acc != nil {
		s.add(g.acc.ctr.snapshot())
	}
	return s
}

func (s *Stats) add(o Stats) {
	s.ConnectionsAccepted += o.ConnectionsAccepted
	s.ConnectionsActive += o.ConnectionsActive
	s.ConnectionsRejected += o.ConnectionsRejected
	s.MemoryRejected += o.MemoryRejected
	s.MemoryHeld += o.MemoryHeld
	s.MemoryPeak += o.MemoryPeak
	s.BytesReceived += o.BytesReceived
	s.BytesSent += o.BytesSent
	s.StaleEvents += o.StaleEvents
	s.Timeouts += o.Timeouts
	s.UringSQEs += o.UringSQEs
	s.UringCQEs += o.UringCQEs
	for k := range s.Syscalls {
		s.Syscalls[k] += o.Syscalls[k]
	}
}

// MemoryMax is the group's budget: the sum of the reactors' shares.
func (g *Group) MemoryMax() int {
	total := 0
	for _, r := range g.rs {
		total += r.Config().MemoryMax
	}
	return total
}

func (g *Group) load(i int) Load { return g.rs[i].Load() }

// acceptor accepts on a blocking listener on its own goroutine and hands
// each connection to the reactor its picker chooses.
type acceptor struct {
	g    *Group
	pick picker
	lfd  int
	addr string
	ctr  counters // accept4 calls; connections no reactor would take

	mu       sync.Mutex
	started  bool
	stopping atomic.Bool
	done     chan struct{}
}

// listen opens the blocking listener (a blocked accept4 costs no CPU;
// shutdown(2) wakes it).
func (a *acceptor) listen(cfg Config) error {
	fd, addr, err := openListener(cfg.Addr, cfg.Backlog, false, false, unix.SetsockoptInt)
	a.lfd = fd
	a.addr = addr
	return err
}

func (a *acceptor) start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started || a.stopping.Load() {
		return
	}
	a.started, a.done = true, make(chan struct{})
	go a.run()
}

func (a *acceptor) run() {
	defer close(a.done)
	n := len(a.g.rs)
	for {
		a.ctr.syscall(SysAccept)
		fd, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(a.lfd), 0, 0,
			unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		switch {
		case errno == 0:
			a.handOff(int(fd), n)
		case a.stopping.Load():
			return
		case retryAccept(errno):
		case errno == unix.EMFILE, errno == unix.ENFILE, errno == unix.ENOBUFS, errno == unix.ENOMEM:
			time.Sleep(time.Duration(acceptRetryNs)) // out of fds: let closes free some
		default:
			// The listener itself is broken: a group that cannot accept
			// must not look alive.
			a.g.rs[0].log.Error("core: acceptor accept4, closing the group", "fd", a.lfd, "err", errno)
			go a.g.Close() // Close stops this acceptor and waits for it
			return
		}
	}
}

func (a *acceptor) handOff(fd, n int) {
	i := a.pick.pick(a.g.load, n)
	if !a.g.rs[i].Adopt(fd) {
		a.ctr.rejected.Add(1)
		_ = unix.Close(fd)
	}
}

// stop ends accepting: shutdown(2) on a listening socket wakes a blocked
// accept4 (EINVAL), then the listener is closed. Safe to call twice.
func (a *acceptor) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopping.Swap(true) {
		return
	}
	if a.lfd < 0 {
		return
	}
	_ = unix.Shutdown(a.lfd, unix.SHUT_RD)
	if a.started {
		<-a.done
	}
	_ = unix.Close(a.lfd)
	a.lfd = -1
}

// retryAccept: errors accept(2) says to treat like EAGAIN, because on
// Linux they are the new connection's pending network errors, not the
// listener's.
func retryAccept(e unix.Errno) bool {
	switch e {
	case unix.EINTR, unix.ECONNABORTED, unix.ENETDOWN, unix.EPROTO, unix.ENOPROTOOPT, unix.EHOSTDOWN,
		unix.ENONET, unix.EHOSTUNREACH, unix.EOPNOTSUPP, unix.ENETUNREACH, unix.EPERM:
		return true
	}
	return false
}
