package load

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// target is where the load goes: the parsed URL, and once resolved, the
// socket address. Traffic goes to this one address only.
type target struct {
	hostHeader string // Host header value, as in the URL
	requestURI string // path and query
	hostname   string
	port       int
	tls        bool           // https://
	addr       netip.AddrPort // after resolve
}

// parseTarget checks the URL without touching the network.
func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("bad URL %q: %w", raw, err)
	}
	port := 80
	switch u.Scheme {
	case "http":
	case "https":
		port = 443
	case "":
		return target{}, fmt.Errorf("bad URL %q: want http[s]://host[:port]/path", raw)
	default:
		return target{}, fmt.Errorf("URL %q: unsupported scheme %q: want http:// or https://", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return target{}, fmt.Errorf("bad URL %q: no host", raw)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return target{}, fmt.Errorf("bad URL %q: port %q not in 1..65535", raw, p)
		}
	}
	return target{hostHeader: u.Host, requestURI: u.RequestURI(), hostname: u.Hostname(), port: port,
		tls: u.Scheme == "https"}, nil
}

// resolve looks the host up once; every connection uses the first address
// (IPv4 preferred).
func (t *target) resolve(ctx context.Context) error {
	if ip, err := netip.ParseAddr(t.hostname); err == nil {
		return t.setAddr(ip)
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", t.hostname)
	if err != nil {
		return fmt.Errorf("resolve %q: %w", t.hostname, err)
	}
	if len(ips) == 0 {
		return fmt.Errorf("resolve %q: no address", t.hostname)
	}
	pick := ips[0]
	for _, ip := range ips {
		if ip.Unmap().Is4() {
			pick = ip
			break
		}
	}
	return t.setAddr(pick)
}

func (t *target) setAddr(ip netip.Addr) error {
	if ip.Zone() != "" {
		return fmt.Errorf("address %s: IPv6 zones are not supported", ip)
	}
	t.addr = netip.AddrPortFrom(ip.Unmap(), uint16(t.port))
	return nil
}

// sockaddr is the resolved address for connect(2), and its family.
func (t *target) sockaddr() (unix.Sockaddr, int) {
	ip := t.addr.Addr()
	if ip.Is4() {
		return &unix.SockaddrInet4{Port: int(t.addr.Port()), Addr: ip.As4()}, unix.AF_INET
	}
	return &unix.SockaddrInet6{Port: int(t.addr.Port()), Addr: ip.As16()}, unix.AF_INET6
}

// origin is the server the target is on: scheme, host and port.
func (t target) origin() string {
	return t.scheme() + "://" + net.JoinHostPort(strings.ToLower(t.hostname), strconv.Itoa(t.port))
}

func (t target) scheme() string {
	if t.tls {
		return "https"
	}
	return "http"
}
