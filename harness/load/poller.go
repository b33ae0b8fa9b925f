package load

import (
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const eventsMax = 256

// poller is one worker's epoll instance. Event data carries the connection
// index and a generation, never a Go pointer.
type poller struct {
	epfd    int
	events  [eventsMax]unix.EpollEvent
	noPwait bool // kernel without epoll_pwait2 (< 5.11): millisecond waits
}

func newPoller() (*poller, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	return &poller{epfd: fd}, nil
}

func (p *poller) close() { unix.Close(p.epfd) }

func (p *poller) add(fd int, events uint32, idx, gen uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(idx), Pad: int32(gen)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	return nil
}

func (p *poller) mod(fd int, events uint32, idx, gen uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(idx), Pad: int32(gen)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &ev); err != nil {
		return fmt.Errorf("epoll_ctl mod: %w", err)
	}
	return nil
}

// del stops watching fd (a TLS handshake owns the socket meanwhile).
func (p *poller) del(fd int) error {
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return fmt.Errorf("epoll_ctl del: %w", err)
	}
	return nil
}

// poll returns ready events without blocking.
func (p *poller) poll() int {
	n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
		uintptr(unsafe.Pointer(&p.events[0])), eventsMax, 0, 0, 0)
	if e != 0 {
		return 0
	}
	return int(n)
}

// wait blocks up to timeoutNs (> 0) for events; timedOut says it returned
// because the time was up (not for events, a signal or an error). It goes
// through the runtime's syscall path so the thread's P can run other
// goroutines meanwhile.
func (p *poller) wait(timeoutNs int64) (n int, timedOut bool) {
	if !p.noPwait {
		ts := unix.NsecToTimespec(timeoutNs)
		r, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(p.epfd),
			uintptr(unsafe.Pointer(&p.events[0])), eventsMax, uintptr(unsafe.Pointer(&ts)), 0, 0)
		if e != unix.ENOSYS {
			return waitResult(r, e)
		}
		p.noPwait = true
	}
	ms := max(timeoutNs/1e6, 1)
	r, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
		uintptr(unsafe.Pointer(&p.events[0])), eventsMax, uintptr(ms), 0, 0)
	return waitResult(r, e)
}

// shortestWaitNs is the shortest wait that does not sleep longer than
// asked: a millisecond without epoll_pwait2.
func (p *poller) shortestWaitNs() int64 {
	if p.noPwait {
		return int64(time.Millisecond)
	}
	return 1
}

func waitResult(r uintptr, e unix.Errno) (int, bool) {
	if e != 0 {
		return 0, false
	}
	return int(r), r == 0
}
