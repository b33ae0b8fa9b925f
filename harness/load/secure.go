package load

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// TLS on the event loop.
//
// crypto/tls has no memory-buffer API: a tls.Conn reads and writes a
// net.Conn. Each TLS socket's tls.Conn runs over a loopConn, which has two
// lives. During the handshake, which runs on its own goroutine off the
// loop (a handshake is a few round trips and milliseconds of crypto that
// must not stall the loop's other connections), it passes through to a
// duplicate of the socket on Go's netpoller, which gives deadlines and
// cancellation. After the handshake it presents the loop's buffers: Read
// takes the ciphertext the loop has just read, or says "would block";
// Write appends to the ciphertext the loop sends. "Would block" is a
// temporary net.Error, which tls.Conn returns without making it sticky, so
// a record cut in two by the socket is finished on the next read.

// errWouldBlock: the loop has no more ciphertext for this connection.
var errWouldBlock error = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tls: would block" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

// recordHeaderLen is a TLS record header: type, version, length.
const recordHeaderLen = 5

// loopConn is the net.Conn under a tls.Conn (see above). After the
// handshake, Read hands tls at most the rest of the record it is in, so
// that tls takes no whole record the loop does not know of: when the loop
// has no ciphertext left, tls has no record left of what the loop gave it,
// and the loop can stop calling it without the extra call that would say
// "would block". (Records the handshake goroutine read past the server's
// Finished, such as TLS 1.3 session tickets, wait in tls for the next
// read; they carry no response.)
type loopConn struct {
	// hs is the handshake's blocking duplicate. It is never changed: after
	// a cancelled handshake, tls's cancel function may still be closing it
	// while the loop already reads from the loop's buffers (onLoop).
	hs     net.Conn
	onLoop bool   // the handshake is over: the loop's buffers are the connection
	in     []byte // ciphertext the loop read that tls has not taken yet
	out    []byte // ciphertext tls wrote that the loop has not sent yet
	left   int    // bytes of the current record not handed to tls yet
	hdr    [recordHeaderLen]byte
	hdrN   int // bytes of the next record's header handed over so far
}

func (l *loopConn) Read(p []byte) (int, error) {
	if !l.onLoop {
		return l.hs.Read(p)
	}
	if len(l.in) == 0 {
		return 0, errWouldBlock
	}
	if l.left == 0 && !l.startRecord() {
		n := copy(p, l.in) // part of a header: the rest comes with the next read
		l.hdrN += n
		l.in = l.in[n:]
		return n, nil
	}
	n := copy(p[:min(len(p), l.left)], l.in)
	l.left -= n
	l.in = l.in[n:]
	return n, nil
}

// startRecord reads the length of the record that begins in l.in; false
// when its header is not all there yet.
func (l *loopConn) startRecord() bool {
	k := copy(l.hdr[l.hdrN:], l.in)
	if l.hdrN+k < recordHeaderLen {
		return false
	}
	l.left = recordHeaderLen + int(binary.BigEndian.Uint16(l.hdr[3:])) - l.hdrN
	l.hdrN = 0
	return true
}

func (l *loopConn) Write(p []byte) (int, error) {
	if !l.onLoop {
		return l.hs.Write(p)
	}
	l.out = append(l.out, p...)
	return len(p), nil
}

// Close ends the handshake's duplicate (tls.Conn closes it to cancel a
// handshake; a second close is harmless); the socket itself belongs to
// the loop.
func (l *loopConn) Close() error { return l.hs.Close() }

func (l *loopConn) LocalAddr() net.Addr  { return l.addr(net.Conn.LocalAddr) }
func (l *loopConn) RemoteAddr() net.Addr { return l.addr(net.Conn.RemoteAddr) }

func (l *loopConn) addr(f func(net.Conn) net.Addr) net.Addr { return f(l.hs) }

func (l *loopConn) SetDeadline(t time.Time) error     { return l.deadline(net.Conn.SetDeadline, t) }
func (l *loopConn) SetReadDeadline(t time.Time) error { return l.deadline(net.Conn.SetReadDeadline, t) }
func (l *loopConn) SetWriteDeadline(t time.Time) error {
	return l.deadline(net.Conn.SetWriteDeadline, t)
}

func (l *loopConn) deadline(f func(net.Conn, time.Time) error, t time.Time) error {
	if !l.onLoop {
		return f(l.hs, t)
	}
	return nil // the loop keeps its own timeouts
}

// secure is one TLS socket's state.
type secure struct {
	tc *tls.Conn
	lc loopConn
}

// handshakeDone is what a handshake goroutine hands back to its loop.
type handshakeDone struct {
	idx, gen uint32
	at       int64 // plan time when it ended
	err      error
}

// handshakes runs a worker's TLS handshakes off its loop and hands the
// results back through a queue and an eventfd the loop polls.
type handshakes struct {
	cfg    *tls.Config
	efd    int
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	done   []handshakeDone
	spare  []handshakeDone
	// running counts the handshakes started and not yet taken (the loop's
	// own count: start and take run on it).
	running int
}

func newHandshakes(ctx context.Context, cfg *tls.Config) (*handshakes, error) {
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	h := &handshakes{cfg: cfg, efd: efd}
	h.ctx, h.cancel = context.WithCancel(ctx)
	return h, nil
}

// start hands socket fd to a handshake goroutine, which owns it until its
// result is taken. The loop must not watch fd meanwhile.
func (h *handshakes) start(fd int, idx, gen uint32, timeout time.Duration, now func() int64) (*secure, error) {
	dup, err := netpollerConn(fd)
	if err != nil {
		return nil, err
	}
	s := &secure{lc: loopConn{hs: dup}}
	s.tc = tls.Client(&s.lc, h.cfg)
	h.running++
	h.wg.Go(func() {
		ctx, cancel := context.WithTimeout(h.ctx, timeout)
		err := handshakeError(s.tc.HandshakeContext(ctx), ctx, timeout)
		cancel()
		s.lc.hs.Close()
		s.lc.onLoop = true // the loop reads it after post's lock
		h.post(handshakeDone{idx: idx, gen: gen, at: now(), err: err})
	})
	return s, nil
}

func (h *handshakes) post(d handshakeDone) {
	h.mu.Lock()
	h.done = append(h.done, d)
	h.mu.Unlock()
	var one = [8]byte{1}
	_, _ = unix.Write(h.efd, one[:]) // EAGAIN: the counter is already set
}

// take returns the results posted since the last call (valid until the
// next call).
func (h *handshakes) take() []handshakeDone {
	var b [8]byte
	_, _ = unix.Read(h.efd, b[:])
	h.mu.Lock()
	h.done, h.spare = h.spare[:0], h.done
	h.mu.Unlock()
	h.running -= len(h.spare)
	return h.spare
}

// close cancels the handshakes still running and waits for them, so none
// posts to a closed eventfd.
func (h *handshakes) close() {
	h.cancel()
	h.wg.Wait()
	unix.Close(h.efd)
}

// handshakeError names a failed handshake for the tls error class.
func handshakeError(err error, ctx context.Context, timeout time.Duration) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("handshake: timeout: not done within %v (--timeout)", timeout)
	}
	return fmt.Errorf("handshake: %w", err)
}

// netpollerConn duplicates the socket as a net.Conn on Go's netpoller, for
// the handshake. The loop's descriptor stays its own.
func netpollerConn(fd int) (net.Conn, error) {
	d, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("tls: dup: %w", err)
	}
	f := os.NewFile(uintptr(d), "tls-handshake")
	defer f.Close() // FileConn made its own duplicate
	c, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return c, nil
}
