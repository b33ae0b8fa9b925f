package core

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Syscalls is the strategy for the calls that cannot block: read, write,
// accept4, close, shutdown, setsockopt and epoll_ctl on non-blocking
// sockets, and epoll_wait with a zero timeout.
type Syscalls uint8

const (
	// RuntimeSyscalls goes through syscall.Syscall, as all Go code does:
	// the runtime's entersyscall and exitsyscall run around each call, so
	// that if the call blocks, sysmon can hand this thread's P to another
	// thread. On the way back the thread may find its P taken and have to
	// wait for one: a context switch at syscall exit.
	RuntimeSyscalls Syscalls = iota
	// RawSyscalls uses syscall.RawSyscall: no runtime bookkeeping at all.
	// That is only sound for a call that returns at once. A goroutine in a
	// raw call that blocks holds its P, and the garbage collector's
	// stop-the-world waits for it. So the blocking epoll_wait always stays a
	// runtime syscall (see wait.go), whatever this setting.
	RawSyscalls
)

// Every syscall of a kind in SyscallKind goes through one of these wrappers,
// so the counters cannot drift from what the core really does. Setup-only
// calls without a kind (socket, bind, listen, epoll_create1, eventfd,
// getsockname) are not counted.

func (r *Reactor) sysRead(fd int, p []byte) (int, error) {
	r.ctr.syscall(SysRead)
	if r.cfg.Syscalls == RawSyscalls {
		n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
		return rawResult(n, e)
	}
	return unix.Read(fd, p)
}

func (r *Reactor) sysWrite(fd int, p []byte) (int, error) {
	r.ctr.syscall(SysWrite)
	if r.cfg.Syscalls == RawSyscalls {
		n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
		return rawResult(n, e)
	}
	return unix.Write(fd, p)
}

// sysAccept calls accept4 without asking for the peer address: the core has
// no use for it, and converting it to a unix.Sockaddr allocates. The errno is
// returned as is (no interface boxing) so callers switch on it cheaply.
func (r *Reactor) sysAccept(lfd int) (int, unix.Errno) {
	r.ctr.syscall(SysAccept)
	call := unix.Syscall6
	if r.cfg.Syscalls == RawSyscalls {
		call = unix.RawSyscall6
	}
	fd, _, errno := call(unix.SYS_ACCEPT4, uintptr(lfd), 0, 0,
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	return int(fd), errno
}

// sysClose: close(2) of a socket without SO_LINGER does not wait for the
// peer, so it is one of the calls that cannot block.
func (r *Reactor) sysClose(fd int) error {
	r.ctr.syscall(SysClose)
	if r.cfg.Syscalls == RawSyscalls {
		_, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
		return errnoErr(e)
	}
	return unix.Close(fd)
}

func (r *Reactor) sysShutdown(fd, how int) error {
	r.ctr.syscall(SysShutdown)
	if r.cfg.Syscalls == RawSyscalls {
		_, _, e := unix.RawSyscall(unix.SYS_SHUTDOWN, uintptr(fd), uintptr(how), 0)
		return errnoErr(e)
	}
	return unix.Shutdown(fd, how)
}

func (r *Reactor) sysSetsockoptInt(fd, level, opt, value int) error {
	r.ctr.syscall(SysSetsockopt)
	if r.cfg.Syscalls == RawSyscalls {
		v := int32(value)
		_, _, e := unix.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt),
			uintptr(unsafe.Pointer(&v)), unsafe.Sizeof(v), 0)
		return errnoErr(e)
	}
	return unix.SetsockoptInt(fd, level, opt, value)
}

// sysEpollWait with msec == 0 never blocks and follows the Syscalls
// strategy; any other timeout may block and is always a runtime syscall.
// epoll_pwait with no signal mask is epoll_wait, and exists on every
// Linux architecture (arm64 has no epoll_wait).
func (r *Reactor) sysEpollWait(events []unix.EpollEvent, msec int) (int, error) {
	r.ctr.syscall(SysEpollWait)
	if msec == 0 && r.cfg.Syscalls == RawSyscalls {
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(r.epfd),
			uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), 0, 0, 0)
		return rawResult(n, e)
	}
	return unix.EpollWait(r.epfd, events, msec)
}

// sysEpollCtl passes the reactor's scratch event so no EpollEvent escapes to
// the heap per call. Only the reactor goroutine (or New, before Serve) calls it.
func (r *Reactor) sysEpollCtl(op, fd int, events uint32, pad int32) error {
	r.ctr.syscall(SysEpollCtl)
	r.ctlEvent = unix.EpollEvent{Events: events, Fd: int32(fd), Pad: pad}
	if r.cfg.Syscalls == RawSyscalls {
		_, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(r.epfd), uintptr(op), uintptr(fd),
			uintptr(unsafe.Pointer(&r.ctlEvent)), 0, 0)
		return errnoErr(e)
	}
	return unix.EpollCtl(r.epfd, op, fd, &r.ctlEvent)
}

// rawResult turns a raw call's return into the (n, err) of its unix
// wrapper: -1 and the errno on failure.
func rawResult(n uintptr, e unix.Errno) (int, error) {
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// errnoErr is nil for 0. An Errno is below 256, so boxing it in an error
// does not allocate (the runtime keeps those values preallocated).
func errnoErr(e unix.Errno) error {
	if e != 0 {
		return e
	}
	return nil
}
