package core

import "golang.org/x/sys/unix"

// Every syscall of a kind in SyscallKind goes through one of these wrappers,
// so the counters cannot drift from what the core really does. Setup-only
// calls without a kind (socket, bind, listen, epoll_create1, eventfd,
// getsockname) are not counted.

func (r *Reactor) sysRead(fd int, p []byte) (int, error) {
	r.ctr.syscall(SysRead)
	return unix.Read(fd, p)
}

func (r *Reactor) sysWrite(fd int, p []byte) (int, error) {
	r.ctr.syscall(SysWrite)
	return unix.Write(fd, p)
}

// sysAccept calls accept4 without asking for the peer address: the core has
// no use for it, and converting it to a unix.Sockaddr allocates. The errno is
// returned as is (no interface boxing) so callers switch on it cheaply.
func (r *Reactor) sysAccept(lfd int) (int, unix.Errno) {
	r.ctr.syscall(SysAccept)
	fd, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(lfd), 0, 0,
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	return int(fd), errno
}

func (r *Reactor) sysClose(fd int) error {
	r.ctr.syscall(SysClose)
	return unix.Close(fd)
}

func (r *Reactor) sysShutdown(fd, how int) error {
	r.ctr.syscall(SysShutdown)
	return unix.Shutdown(fd, how)
}

func (r *Reactor) sysSetsockoptInt(fd, level, opt, value int) error {
	r.ctr.syscall(SysSetsockopt)
	return unix.SetsockoptInt(fd, level, opt, value)
}

func (r *Reactor) sysEpollWait(events []unix.EpollEvent, msec int) (int, error) {
	r.ctr.syscall(SysEpollWait)
	return unix.EpollWait(r.epfd, events, msec)
}

// sysEpollCtl passes the reactor's scratch event so no EpollEvent escapes to
// the heap per call. Only the reactor goroutine (or New, before Serve) calls it.
func (r *Reactor) sysEpollCtl(op, fd int, events uint32, pad int32) error {
	r.ctr.syscall(SysEpollCtl)
	r.ctlEvent = unix.EpollEvent{Events: events, Fd: int32(fd), Pad: pad}
	return unix.EpollCtl(r.epfd, op, fd, &r.ctlEvent)
}
