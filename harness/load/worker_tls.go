package load

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// wakeIdx is the epoll data of a worker's handshake eventfd: no
// connection has that index.
const wakeIdx = ^uint32(0)

// plainBufSize holds one TLS record's plaintext (2^14 bytes) and more.
const plainBufSize = 32 << 10

// startHandshake hands a connected socket to a handshake goroutine; the
// loop stops watching it until the result comes back (onHandshakes).
func (w *worker) startHandshake(c *conn, now int64) {
	if err := w.poll.del(c.fd); err != nil {
		w.handshakeFailed(c, now, err)
		return
	}
	c.events, c.state, c.handshakeAt = 0, stHandshaking, now
	s, err := w.hs.start(c.fd, c.idx, c.gen, time.Duration(w.p.timeoutNs), w.p.now)
	if err != nil {
		w.handshakeFailed(c, now, err)
		return
	}
	c.sec = s
}

// onHandshakes takes the handshakes that ended: a secured socket goes back
// on the loop and sends what is due; a failed one is a tls error.
func (w *worker) onHandshakes() {
	for _, d := range w.hs.take() {
		c := &w.conns[d.idx]
		if d.gen != c.gen || c.state != stHandshaking {
			continue // the socket has since been closed
		}
		if d.err != nil {
			w.handshakeFailed(c, d.at, w.explainHandshake(d.err))
			continue
		}
		if w.p.h2 && c.sec.tc.ConnectionState().NegotiatedProtocol != protoH2 {
			w.handshakeFailed(c, d.at, errNoH2)
			continue
		}
		if err := w.poll.add(c.fd, unix.EPOLLIN, c.idx, c.gen); err != nil {
			w.handshakeFailed(c, d.at, err)
			continue
		}
		c.events = unix.EPOLLIN
		w.rec.handshook(d.at-c.handshakeAt, c.sec.tc.ConnectionState(), d.at >= w.p.warmupNs)
		w.onSecured(c, w.p.now())
	}
}

// explainHandshake names the ALPN refusal of a server without h2 (Go's
// servers refuse a handshake whose protocols they do not speak; others
// complete it without ALPN, which onHandshakes refuses).
func (w *worker) explainHandshake(err error) error {
	if w.p.h2 && strings.Contains(err.Error(), "no application protocol") {
		return fmt.Errorf("%w: %w", errNoH2, err)
	}
	return err
}

// handshakeFailed: its requests wait for the next socket, after the
// back-off.
func (w *worker) handshakeFailed(c *conn, now int64, err error) {
	w.setupFailed(c, now, classTLS, err)
}

// consumeTLS decrypts the ciphertext the loop read and feeds the
// plaintext to the parser; false means the socket is gone. Each Read
// takes one record (see loopConn), so the loop ends when b is used up.
func (w *worker) consumeTLS(c *conn, b []byte, now int64) bool {
	s := c.sec
	s.lc.in = b
	for len(s.lc.in) > 0 {
		n, err := s.tc.Read(w.plain)
		if n > 0 && !w.consume(c, w.plain[:n], now) {
			return false
		}
		switch {
		case err == nil:
		case err == errWouldBlock: // a record cut by the socket: the rest comes later
		case errors.Is(err, io.EOF): // close_notify
			w.onEOF(c, now)
			return false
		default:
			w.fail(c, now, classTLS, err)
			return false
		}
	}
	if len(s.lc.out) > 0 && c.wLen == 0 {
		w.flush(c, now) // tls answered something (a key update)
	}
	return c.state == stOpen
}

// encrypt stages the next write of a TLS socket: plain goes through tls
// into the ciphertext buffer, which is what the loop sends.
func (w *worker) encrypt(c *conn, plain []byte) ([]byte, error) {
	s := c.sec
	if len(plain) > 0 {
		if _, err := s.tc.Write(plain); err != nil {
			return nil, err
		}
	}
	return s.lc.out, nil
}
