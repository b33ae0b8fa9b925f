package load

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// dial opens a non-blocking TCP socket and starts connecting. connected
// says the connect finished at once (common on loopback); otherwise the
// socket becomes writable when it completes.
func dial(sa unix.Sockaddr, family int, nodelay bool) (fd int, connected bool, err error) {
	fd, err = unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, false, fmt.Errorf("socket: %w", err)
	}
	flag := 0
	if nodelay {
		flag = 1
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, flag); err != nil {
		unix.Close(fd)
		return -1, false, fmt.Errorf("setsockopt TCP_NODELAY: %w", err)
	}
	switch err := unix.Connect(fd, sa); err {
	case nil:
		return fd, true, nil
	case unix.EINPROGRESS, unix.EINTR:
		return fd, false, nil
	default:
		unix.Close(fd)
		return -1, false, fmt.Errorf("connect: %w", err)
	}
}

// connectResult is the outcome of a connect that was in progress.
func connectResult(fd int) error {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if v != 0 {
		return fmt.Errorf("connect: %w", unix.Errno(v))
	}
	return nil
}

// sysRead is read(2) without the runtime's syscall bookkeeping: the socket
// is non-blocking, so it never blocks the thread.
func sysRead(fd int, b []byte) (int, unix.Errno) {
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(r), e
}

// sysSend is send(2) with MSG_NOSIGNAL, so a closed peer gives EPIPE, not SIGPIPE.
func sysSend(fd int, b []byte) (int, unix.Errno) {
	r, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
		unix.MSG_NOSIGNAL, 0, 0)
	return int(r), e
}

// readClass and writeClass map a socket errno to an error class.
func readClass(e unix.Errno) errClass {
	if e == unix.ECONNRESET {
		return classReset
	}
	return classRead
}

func writeClass(e unix.Errno) errClass {
	if e == unix.ECONNRESET {
		return classReset
	}
	return classWrite
}
