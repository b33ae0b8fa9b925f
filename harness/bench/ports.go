package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// freePort asks the kernel for a free loopback port. The port is released
// before the server binds it, so another process may take it in between:
// startServer retries with a fresh port when that happens.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portTaken reports whether a server's output says its port was in use.
func portTaken(output string) bool {
	return strings.Contains(strings.ToLower(output), "address already in use")
}

// readyPoll is how often readiness is checked.
const readyPoll = 20 * time.Millisecond

// waitReady polls a TCP connect to each address until all accept, the
// child exits, or the deadline passes.
func waitReady(ctx context.Context, c *child, timeout time.Duration, dial dialFunc, addrs ...string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, addr := range addrs {
		if err := waitAddr(ctx, c, dial, addr); err != nil {
			return err
		}
	}
	return nil
}

// dialFunc connects to a server: net.Dialer's, or one into a namespace.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func waitAddr(ctx context.Context, c *child, dial dialFunc, addr string) error {
	for {
		conn, err := dial(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-c.done:
			return errors.New(c.exitReason())
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%s: no TCP connect to %s before the deadline: %w; output tail: %s", c.name, addr, err, c.tail.String())
			}
			return ctx.Err()
		case <-time.After(readyPoll):
		}
	}
}
