package load

import (
	"context"
	"math"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

const (
	readBufSize   = 64 << 10
	scanEveryNs   = 10_000_000 // timeouts, cancellation, counters
	readsPerEvent = 4
	dueBatchMax   = 4096 // heap entries handled per loop turn
	timerSlackNs  = 1    // the worker thread's timer slack
)

// workerStats is what a worker publishes while it runs (for the progress line).
type workerStats struct {
	responses atomic.Int64 // all responses, warm-up included
	errors    atomic.Int64
}

// worker is one event loop: a goroutine locked to its thread, its own
// epoll, its connections and its recorder. Nothing in it is shared.
type worker struct {
	p         *plan
	ctx       context.Context
	poll      *poller
	conns     []conn
	heap      wakeHeap
	rec       *recorder
	pace      pacer
	buf       []byte
	stats     *workerStats
	nextScan  int64
	responses int64
	errs      int64
	stopped   bool
	cancelled bool
	load      loopLoad
	sa        unix.Sockaddr // per worker: connect(2) writes into it
	family    int
	held      []uint32    // connections whose next requests are held (worker.hold)
	heldDue   int64       // the earliest time one of them is to be released
	hs        *handshakes // TLS only
	plain     []byte      // TLS only: one record's plaintext
}

func newWorker(ctx context.Context, p *plan, planConns []int, rec *recorder, stats *workerStats) (*worker, error) {
	poll, err := newPoller()
	if err != nil {
		return nil, err
	}
	w := &worker{p: p, ctx: ctx, poll: poll, rec: rec, pace: newPacer(), buf: make([]byte, readBufSize), stats: stats,
		heldDue: math.MaxInt64}
	w.sa, w.family = p.target.sockaddr()
	if p.tls != nil {
		if err := w.startTLS(ctx); err != nil {
			poll.close()
			return nil, err
		}
	}
	w.conns = make([]conn, len(planConns))
	for i, g := range planConns {
		c := newConn(uint32(i), g, p.depth(), p.phase(g))
		c.multiplexed = p.h2
		if p.requests > 0 {
			c.quota = p.quota(g)
			if p.open {
				c.openWindow(p.firstAtOrAfter(c.phase, p.warmupNs))
			}
		}
		w.conns[i] = c
	}
	return w, nil
}

// run is the event loop. It must run on its own goroutine: it locks the
// thread and never unlocks it, so the thread (and its timer slack) dies
// with the goroutine.
func (w *worker) run() {
	runtime.LockOSThread()
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, timerSlackNs, 0, 0, 0)
	defer w.poll.close()
	now := w.p.now()
	for i := range w.conns {
		w.advance(&w.conns[i], now)
	}
	for {
		now = w.p.now()
		if w.finished(now) {
			break
		}
		w.runDue(now)
		if now >= w.nextScan {
			w.scan(now)
		}
		n := w.waitEvents()
		for i := range n {
			w.onEvent(w.poll.events[i])
		}
		if len(w.held) > 0 {
			w.releaseHeld(w.p.now())
		}
	}
	w.finish(now)
}

// finished says the loop is over: cancelled, past the hard stop, at the
// end of a closed-loop run, or when an open-loop drain has nothing left.
func (w *worker) finished(now int64) bool {
	switch {
	case w.cancelled || now >= w.p.hardNs:
		return true
	case w.p.requests > 0 && w.allSpent():
		return true
	case now < w.p.endNs:
		return false
	case !w.p.open:
		return true
	}
	return !w.busy(now)
}

// busy says some measured request is in flight or due and about to go
// out. A slot backing off after failures is not waited for: its due
// requests are counted as unsent.
func (w *worker) busy(now int64) bool {
	for i := range w.conns {
		c := &w.conns[i]
		if c.n > 0 || len(c.retry) > 0 {
			return true
		}
		if w.hasBacklog(c) && (c.state != stIdle || c.retryAt <= now) {
			return true
		}
	}
	return false
}

// allSpent says, with --requests, that every slot has sent its share and
// has nothing in flight.
func (w *worker) allSpent() bool {
	for i := range w.conns {
		if c := &w.conns[i]; !c.spent() || c.n > 0 || len(c.retry) > 0 {
			return false
		}
	}
	return true
}

// hasBacklog says the connection has due, unsent requests of the window.
func (w *worker) hasBacklog(c *conn) bool {
	return len(c.retry) > 0 || w.p.open && w.p.intended(c.phase, c.next) < w.p.endNs && !c.spent()
}

// counts says whether request s of c is measured: with --requests, when
// it is one of the slot's window; otherwise by plan.measured's rule.
func (w *worker) counts(c *conn, s reqSlot, now int64) bool {
	if w.p.requests > 0 {
		return c.inWindow(s.k)
	}
	return w.p.measured(s.intended, now)
}

// runDue handles the wake-ups whose time has come.
func (w *worker) runDue(now int64) {
	for range dueBatchMax {
		top, ok := w.heap.peek()
		if !ok || top.at > now {
			return
		}
		w.heap.pop()
		c := &w.conns[top.idx]
		if top.gen != c.wakeGen || !c.wakeSet {
			continue
		}
		c.wakeSet = false
		w.advance(c, now)
	}
}

// schedule asks for a wake-up of c at at.
func (w *worker) schedule(c *conn, at int64) {
	if c.wakeSet && c.wakeAt == at {
		return
	}
	c.wakeGen++
	c.wakeAt, c.wakeSet = at, true
	w.heap.push(wake{at: at, idx: int32(c.idx), gen: c.wakeGen})
}

// waitEvents blocks until the next wake-up, scan or the end of the run,
// pacing precisely when the next thing due is a send. The time it spends
// is the loop's idle time.
func (w *worker) waitEvents() int {
	now := w.p.now()
	n := w.wait(now)
	w.load.idleNs += w.p.now() - now
	return n
}

func (w *worker) wait(now int64) int {
	next, precise := w.nextScan, false
	if top, ok := w.heap.peek(); ok && top.at < next {
		next, precise = top.at, true
	}
	if now < w.p.endNs && w.p.endNs < next {
		next = w.p.endNs
	}
	if len(w.held) > 0 && w.heldDue < next {
		next, precise = w.heldDue, false
	}
	wait := next - now
	if wait <= 0 {
		return w.poll.poll()
	}
	if !precise {
		if n := w.spin(now, wait); n > 0 {
			return n
		}
		rest := next - w.p.now()
		if rest <= 0 || len(w.held) > 0 && rest < w.poll.shortestWaitNs() {
			return w.poll.poll() // a held connection is due sooner than the poller can wake
		}
		n, _ := w.poll.wait(rest)
		return n
	}
	block := w.pace.blockFor(wait)
	if block <= 0 {
		return w.poll.poll() // the last stretch before a send: poll, do not sleep
	}
	n, timedOut := w.poll.wait(block)
	if timedOut {
		w.pace.observe(w.p.now() - now - block)
	}
	return n
}

// scan runs every few milliseconds: timeouts, cancellation, CPU samples,
// the hlog interval and the progress counters.
func (w *worker) scan(now int64) {
	w.nextScan = now + scanEveryNs
	if w.ctx.Err() != nil {
		w.cancelled = true
		return
	}
	for i := range w.conns {
		w.checkTimeout(&w.conns[i], now)
	}
	w.load.sample(now, w.p)
	if w.rec.iv != nil && now >= w.p.warmupNs {
		w.rec.iv.rotateIfDue(now)
	}
	w.stats.responses.Store(w.responses)
	w.stats.errors.Store(w.errs)
}

// finish ends the loop: at the hard stop, measured requests still in flight
// become timeouts and due requests never sent are counted; then every
// socket is closed.
func (w *worker) finish(now int64) {
	w.stopped = true
	hard := now >= w.p.hardNs && w.p.open && !w.cancelled
	for i := range w.conns {
		c := &w.conns[i]
		if hard {
			w.expireOutstanding(c, now)
		}
		if w.p.open && !w.cancelled {
			w.countUnsent(c)
		}
		c.closeSocket()
	}
	if w.hs != nil {
		w.hs.close()
	}
	w.load.sample(now, w.p)
	w.load.close(now)
	if w.rec.iv != nil {
		w.rec.iv.finish(now)
	}
	w.stats.responses.Store(w.responses)
	w.stats.errors.Store(w.errs)
}

func (w *worker) expireOutstanding(c *conn, now int64) {
	for c.n > 0 {
		s := c.popFront()
		if w.counts(c, s, now) {
			w.rec.timeout(now, now-s.intended, now-s.sent, s.t)
			w.errs++
		}
	}
}

// countUnsent counts requests of the window that were due but never sent
// (HTTP/2's retries among them).
func (w *worker) countUnsent(c *conn) {
	for _, s := range c.retry {
		if w.counts(c, s, w.p.endNs-1) {
			w.rec.addUnsent(1)
		}
	}
	from := max(c.next, w.p.firstAtOrAfter(c.phase, w.p.warmupNs))
	end := w.p.firstAtOrAfter(c.phase, w.p.endNs)
	if w.p.requests > 0 {
		end = min(end, c.winTo)
	}
	if end > from {
		w.rec.addUnsent(end - from)
	}
}

// startTLS gives the worker its handshake runner, watched by its epoll.
func (w *worker) startTLS(ctx context.Context) error {
	hs, err := newHandshakes(ctx, w.p.tls)
	if err != nil {
		return err
	}
	if err := w.poll.add(hs.efd, unix.EPOLLIN, wakeIdx, 0); err != nil {
		hs.close()
		return err
	}
	w.hs, w.plain = hs, make([]byte, plainBufSize)
	return nil
}

// spin polls for up to Config.Spin before the loop sleeps waiting for
// responses; it counts as idle time. The pacer decides how an open loop
// waits for its sends. A wait shorter than the spin (a held connection's)
// sleeps: polling through it cost nginx 12-14% of its h2 requests per
// second (a perf diff showed epoll's lock contended). It does
// not spin while TLS handshakes run: their goroutines may need the
// loop's CPU (--cpu 1 gives the process one). On loopback the server's send wakes
// a sleeping generator, and that wake-up is charged to the server: a
// generator that is still polling makes the server cheaper per request, as
// a busy client (or a real network, whose interrupts land on the client's
// machine) does.
func (w *worker) spin(now, wait int64) int {
	if w.p.spinNs == 0 || wait <= w.p.spinNs || w.hs != nil && w.hs.running > 0 {
		return 0
	}
	for end := now + w.p.spinNs; w.p.now() < end; {
		if n := w.poll.poll(); n > 0 {
			return n
		}
	}
	return 0
}

// coalesceHolds bounds a hold: a connection whose responses never stop
// arriving (a long body's DATA) still writes within this many holds.
const coalesceHolds = 4

// hold keeps a closed-loop HTTP/2 connection's next requests back while
// its responses are still arriving, so that they go out in one write:
// true when it is held. A server that answers a batch of streams with a
// write per response (nginx does) would otherwise get a write per
// request back from a fast generator, and pay a read and a record for
// each: against nginx over TLS, 1.3 requests per write and 0.88× h2load's
// requests per second, h2load's own slowness batching its writes. A hold
// lasts at most coalesceHolds × Config.Coalesce; latency is from each
// request's actual send (a closed loop has no schedule).
func (w *worker) hold(c *conn, now int64) bool {
	if w.p.holdNs == 0 || c.state != stOpen || c.n == 0 || c.n >= w.room(c) || c.wLen > 0 {
		c.held = false // the caller's advance writes what is due (its entry in w.held is dropped)
		return false
	}
	c.lastRead = now
	if !c.held {
		c.held, c.heldAt = true, now
		w.held = append(w.held, c.idx)
	}
	w.heldDue = min(w.heldDue, now+w.p.holdNs)
	return true
}

// releaseHeld writes the held connections whose responses have stopped
// arriving, or whose streams have all ended, or that were held long enough.
func (w *worker) releaseHeld(now int64) {
	keep := w.held[:0]
	w.heldDue = math.MaxInt64
	for _, i := range w.held {
		c := &w.conns[i]
		if !c.held {
			continue // released already, or its socket was closed
		}
		due := min(c.lastRead+w.p.holdNs, c.heldAt+coalesceHolds*w.p.holdNs)
		if c.state == stOpen && c.n > 0 && now < due {
			keep = append(keep, i)
			w.heldDue = min(w.heldDue, due)
			continue
		}
		c.held = false
		w.advance(c, now)
	}
	w.held = keep
}
