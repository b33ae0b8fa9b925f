package core

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Event masks. Connections are registered once, edge-triggered; EPOLLOUT is
// added only while output is pending (armOut) and removed when it drains, so
// the common case — a response written inline — costs no epoll_ctl.
const (
	connEvents    = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET
	connOutEvents = connEvents | unix.EPOLLOUT
	// The listener and the wake eventfd are edge-triggered too: the accept
	// loop drains the queue and the wake handler drains the counter.
	ctlEvents = unix.EPOLLIN | unix.EPOLLET
)

// Pad values for the two non-connection fds. Connection generations are
// always positive, so these can never match a connection.
const (
	padListener int32 = -1
	padWake     int32 = -2
)

// openPoller creates the epoll instance and the eventfd that Shutdown and
// Close use to wake the loop from other goroutines.
func (r *Reactor) openPoller() error {
	if r.cfg.Engine == EngineUring {
		return r.openWake() // the ring itself is made when Serve begins
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return fmt.Errorf("epoll_create1: %w", err)
	}
	r.epfd = epfd
	if err := r.openWake(); err != nil {
		return err
	}
	if err := r.sysEpollCtl(unix.EPOLL_CTL_ADD, r.efd, ctlEvents, padWake); err != nil {
		return fmt.Errorf("epoll_ctl add eventfd %d: %w", r.efd, err)
	}
	return nil
}

// openWake creates the eventfd that Shutdown, Close and Adopt write to
// wake the loop.
func (r *Reactor) openWake() error {
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	r.efd = efd
	return nil
}

// armOut adds EPOLLOUT to c's registration. The MOD re-evaluates readiness,
// so if the socket became writable in between, the edge is not lost.
func (r *Reactor) armOut(c *Conn) error {
	if r.ur != nil {
		c.armed = true // the send request's completion plays EPOLLOUT's part
		return nil
	}
	if err := r.sysEpollCtl(unix.EPOLL_CTL_MOD, c.fd, connOutEvents, int32(c.gen)); err != nil {
		return fmt.Errorf("epoll_ctl mod fd %d (arm EPOLLOUT): %w", c.fd, err)
	}
	c.armed = true
	return nil
}

// disarmOut removes EPOLLOUT once pending output has drained, so an idle
// writable socket does not wake the loop.
func (r *Reactor) disarmOut(c *Conn) error {
	if r.ur != nil {
		c.armed = false
		return nil
	}
	if err := r.sysEpollCtl(unix.EPOLL_CTL_MOD, c.fd, connEvents, int32(c.gen)); err != nil {
		return fmt.Errorf("epoll_ctl mod fd %d (disarm EPOLLOUT): %w", c.fd, err)
	}
	c.armed = false
	return nil
}

// onWake drains the eventfd counter. The requests themselves are flags the
// loop checks every iteration (see finished and control).
func (r *Reactor) onWake() {
	_, _ = r.sysRead(r.efd, r.wakeBuf[:])
	r.adoptAll()
}

// wakeLocked bumps the eventfd so epoll_wait returns. r.mu must be held and
// the loop running: that is what guarantees efd is still ours to write.
// It runs on the waker's goroutine (Shutdown, Close, a group's acceptor),
// so it is the waker's syscall and not counted as the reactor's.
func (r *Reactor) wakeLocked() {
	one := [8]byte{1} // any non-zero uint64 wakes, whatever the byte order
	if _, err := unix.Write(r.efd, one[:]); err != nil && err != unix.EAGAIN {
		r.log.Error("core: wake eventfd", "err", err)
	}
}
