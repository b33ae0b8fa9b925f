package core

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

// listen opens the nonblocking listening socket and registers it with epoll.
// It uses the socket API directly: nothing on the serving path goes through
// net.Listener or net.Conn (package net only parses the address here).
// A reactor of a dispatching Group has no listener of its own.
func (r *Reactor) listen() error {
	if r.cfg.Listener == ListenNone {
		r.addr = r.cfg.Addr // the group's, for logs
		return nil
	}
	fd, addr, err := openListener(r.cfg.Addr, r.cfg.Backlog, r.cfg.Listener == ListenReusePort, true, r.sysSetsockoptInt)
	if fd >= 0 {
		r.lfd = fd
	}
	if err != nil {
		return err
	}
	r.addr = addr
	if r.cfg.Engine == EngineUring {
		return nil // the multishot accept is armed when the ring is made
	}
	if err := r.sysEpollCtl(unix.EPOLL_CTL_ADD, fd, ctlEvents, padListener); err != nil {
		return fmt.Errorf("epoll_ctl add listener fd %d: %w", fd, err)
	}
	return nil
}

// openListener binds and listens on addr. It returns the fd even with an
// error once the socket exists, for the caller to close. setsockopt is the
// caller's counted wrapper (or unix.SetsockoptInt).
func openListener(addr string, backlog int, reusePort, nonblock bool,
	setsockopt func(fd, level, opt, value int) error) (int, string, error) {
	ap, err := parseAddr(addr)
	if err != nil {
		return -1, "", err
	}
	domain, sa := sockaddr(ap)
	flags := unix.SOCK_STREAM | unix.SOCK_CLOEXEC
	if nonblock {
		flags |= unix.SOCK_NONBLOCK
	}
	fd, err := unix.Socket(domain, flags, 0)
	if err != nil {
		return -1, "", fmt.Errorf("socket %s: %w", ap, err)
	}
	// SO_REUSEADDR: a restarted server can bind while old connections sit in
	// TIME_WAIT, which bench rounds do all the time.
	if err := setsockopt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fd, "", fmt.Errorf("setsockopt SO_REUSEADDR fd %d: %w", fd, err)
	}
	// SO_REUSEPORT: several listeners on one port, the kernel picking one
	// per connection by a hash of its 4-tuple.
	if reusePort {
		if err := setsockopt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fd, "", fmt.Errorf("setsockopt SO_REUSEPORT fd %d: %w", fd, err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fd, "", fmt.Errorf("bind %s: %w", ap, err)
	}
	if err := unix.Listen(fd, backlog); err != nil {
		return fd, "", fmt.Errorf("listen %s backlog %d: %w", ap, backlog, err)
	}
	bound, err := boundAddr(fd)
	return fd, bound, err
}

// parseAddr accepts "host:port" with a literal IPv4 or IPv6 host (IPv6 in
// brackets), "localhost", or an empty host (all IPv4 interfaces). No DNS.
func parseAddr(addr string) (netip.AddrPort, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("listen address %q: %w", addr, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("listen address %q: bad port: %w", addr, err)
	}
	var ip netip.Addr
	switch host {
	case "":
		ip = netip.IPv4Unspecified()
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	default:
		if ip, err = netip.ParseAddr(host); err != nil {
			return netip.AddrPort{}, fmt.Errorf("listen address %q: want a literal IP: %w", addr, err)
		}
		if ip.Zone() != "" {
			return netip.AddrPort{}, fmt.Errorf("listen address %q: zones are not supported", addr)
		}
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
}

func sockaddr(ap netip.AddrPort) (int, unix.Sockaddr) {
	if ap.Addr().Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// boundAddr reads back the address the kernel bound, so port 0 resolves to
// the real port.
func boundAddr(fd int) (string, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return "", fmt.Errorf("getsockname fd %d: %w", fd, err)
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)).String(), nil
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)).String(), nil
	}
	return "", fmt.Errorf("getsockname fd %d: unexpected address family %T", fd, sa)
}

// closeListener stops accepting: pending connections in the accept queue
// are reset by the kernel. Closing the fd also removes it from epoll.
func (r *Reactor) closeListener() {
	if r.lfd < 0 {
		return
	}
	if r.ur != nil && r.ur.ring != nil {
		// The accept holds the listener open until it is cancelled, and
		// one not yet submitted would take the fd when it is: the close
		// waits for the enter, as a connection's does (closeLater).
		if r.ur.acceptArmed {
			r.sqe().PrepCancel(userData(opAccept, r.lfd, 0), userData(opCancel, r.lfd, 0))
			r.ur.acceptArmed = false
		}
		r.closeLater(r.lfd)
		r.lfd = -1
		return
	}
	if err := r.sysClose(r.lfd); err != nil {
		r.log.Warn("core: close listener", "fd", r.lfd, "err", err)
	}
	r.lfd = -1
}
