package load

import "golang.org/x/sys/unix"

type connState uint8

const (
	stIdle        connState = iota // no socket
	stConnecting                   // connect in progress
	stHandshaking                  // connected; a TLS handshake goroutine owns the socket
	stOpen                         // connected (and secured)
)

// reqSlot is one request on a connection: its index in the connection's
// schedule, its intended and its actual send time (ns since t0).
type reqSlot struct {
	k, intended, sent int64
	t                 int32 // the request (target) it sends: an index in plan.reqs
	// HTTP/2: its stream (0 until the HEADERS are written), its response's
	// status (0 until the final HEADERS), DATA octets received since its
	// last WINDOW_UPDATE, its body's octets sent and its send window.
	stream              uint32
	status              int32
	recvUnacked         int32
	bodyOff, sendWindow int32
}

// conn is one connection slot of a worker. A slot lives for the whole run;
// its socket is replaced when the server closes it or it fails. A slot's
// requests follow its own schedule (plan.intended with its phase).
type conn struct {
	idx         uint32
	gidx        int       // its index in the whole plan (it picks targets by it)
	wbuf        []byte    // a mix's requests gathered for one write; HTTP/2's frames
	multiplexed bool      // HTTP/2: streams complete in any order
	h2          *h2conn   // the current socket's HTTP/2 session
	retry       []reqSlot // HTTP/2: requests of a lost connection to send again first
	gen         uint32    // bumped for every socket; stale epoll events carry an old one
	fd          int
	state       connState
	events      uint32 // epoll mask registered for fd
	parser      respParser
	ring        []reqSlot // outstanding requests, oldest first (circular, cap = depth)
	head, n     int
	unwritten   int   // outstanding requests not yet handed to the socket
	wOff, wLen  int   // a partial write of plan.batch[:wLen]
	next        int64 // index of the next request to send
	sentHigh    int64 // requests below this index had their send lag recorded
	phase       int64 // intended time of request 0
	roomAt      int64 // when the connection last got room to send
	connectAt   int64
	handshakeAt int64
	sec         *secure // TLS state of the current socket; nil for plain HTTP
	retryAt     int64
	failures    int  // consecutive failed sockets
	answered    bool // the current socket got a response
	ever        bool // a socket of this slot connected at least once
	wakeAt      int64
	wakeGen     uint32
	wakeSet     bool
	unwritable  bool  // HTTP/2: a write failed; the socket is read, then failed (worker.writeFailed)
	held        bool  // HTTP/2 closed loop: its next requests are held (worker.hold)
	heldAt      int64 // since when
	lastRead    int64 // while held: when its responses last arrived
	// With --requests, the window is requests [winFrom, winTo) of this
	// slot: known from the start in open loop; in closed loop it opens
	// with the first request sent after the warm-up (winFrom < 0 until).
	quota          int64
	winFrom, winTo int64
}

func newConn(idx uint32, gidx int, depth int, phase int64) conn {
	return conn{idx: idx, gidx: gidx, fd: -1, ring: make([]reqSlot, depth), phase: phase, winFrom: -1}
}

// openWindow starts the slot's --requests window at request from.
func (c *conn) openWindow(from int64) { c.winFrom, c.winTo = from, from+c.quota }

// inWindow says request k is one of the slot's --requests window.
func (c *conn) inWindow(k int64) bool { return c.winFrom >= 0 && k >= c.winFrom && k < c.winTo }

// spent says the slot has sent every request of its --requests window.
func (c *conn) spent() bool { return c.winFrom >= 0 && c.next >= c.winTo }

func (c *conn) push(s reqSlot) {
	c.ring[(c.head+c.n)%len(c.ring)] = s
	c.n++
}

func (c *conn) front() *reqSlot { return &c.ring[c.head] }

// at is the i-th outstanding request, oldest first (i < n).
func (c *conn) at(i int) *reqSlot { return &c.ring[(c.head+i)%len(c.ring)] }

func (c *conn) popFront() reqSlot {
	s := c.ring[c.head]
	c.head = (c.head + 1) % len(c.ring)
	c.n--
	return s
}

// requeue forgets the outstanding requests so they are sent again, on the
// next socket, keeping their intended times. Over HTTP/1.1 they are the
// requests from the oldest on; over HTTP/2, where streams end in any
// order, they go to the retry list.
func (c *conn) requeue() {
	switch {
	case c.multiplexed:
		for i := range c.n {
			c.retry = append(c.retry, *c.at(i))
		}
	case c.n > 0:
		c.next = c.front().k
	}
	c.head, c.n, c.unwritten, c.wOff, c.wLen = 0, 0, 0, 0, 0
}

// remove takes the i-th outstanding request out (a stream that ended).
func (c *conn) remove(i int) reqSlot {
	s := *c.at(i)
	for j := i; j > 0; j-- { // shift the older ones up by one
		*c.at(j) = *c.at(j - 1)
	}
	c.head = (c.head + 1) % len(c.ring)
	c.n--
	return s
}

// takeRetry takes the oldest request to send again.
func (c *conn) takeRetry() reqSlot {
	s := c.retry[0]
	c.retry = c.retry[:copy(c.retry, c.retry[1:])]
	return s
}

// findStream is the index of the outstanding request on stream id, or -1.
func (c *conn) findStream(id uint32) int {
	for i := range c.n {
		if c.at(i).stream == id {
			return i
		}
	}
	return -1
}

// closeSocket closes the socket (which also removes it from epoll).
func (c *conn) closeSocket() {
	if c.fd >= 0 {
		unix.Close(c.fd)
	}
	c.fd, c.events, c.state, c.sec, c.h2 = -1, 0, stIdle, nil, nil
	c.held, c.unwritable = false, false
	c.gen++
}

// backoffNs is the pause before reconnecting after failures in a row:
// none after a normal close, then 1 ms doubling up to 250 ms.
func backoffNs(failures int) int64 {
	if failures <= 0 {
		return 0
	}
	return min(int64(1_000_000)<<min(failures-1, 20), 250_000_000)
}
