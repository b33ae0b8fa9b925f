// Package lossnet makes a lossy network for tests and the bench: a
// network namespace whose loopback drops a share of TCP segments, chosen
// at random (nftables' numgen), in both directions. This kernel has no
// netem; nftables inside a namespace is enough to lose packets, and the
// namespace keeps the loss away from every other socket of the machine.
//
// It needs root, iproute2 (ip) and nftables (nft). Processes run inside
// through `ip netns exec`; the caller's own connections (to read /stats
// or drive a control endpoint) are dialled inside by DialContext.
package lossnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// MaxPermille bounds the loss: beyond a tenth of all segments TCP spends
// its time in back-off and a trial measures nothing but timeouts.
const MaxPermille = 100

// ErrUnavailable means this machine cannot make the namespace: not root,
// or ip or nft missing. Its message says which.
var ErrUnavailable = errors.New("lossnet: unavailable")

// Available says whether New can work here, and if not, why.
func Available() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: network namespaces need root", ErrUnavailable)
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: %s is not installed (iproute2, nftables)", ErrUnavailable, tool)
		}
	}
	return nil
}

// NS is one lossy namespace. Close removes it, and with it every rule,
// address and socket it held.
type NS struct {
	Name    string
	Permill int // segments dropped per thousand, each direction
}

// New makes namespace name with its loopback up, dropping permille TCP
// segments per thousand. The name should be unique to the caller (a pid
// in it): a namespace of that name already there is refused.
func New(name string, permille int) (*NS, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if permille < 0 || permille > MaxPermille {
		return nil, fmt.Errorf("lossnet: loss %d‰ not in 0..%d", permille, MaxPermille)
	}
	if err := run(nil, "ip", "netns", "add", name); err != nil {
		return nil, err
	}
	n := &NS{Name: name, Permill: permille}
	if err := n.setUp(); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// setUp brings loopback up and installs the drop rule. One rule on the
// output hook sees every segment once: on loopback both ends send
// through it, so both directions lose the same share.
func (n *NS) setUp() error {
	if err := run(nil, "ip", "-n", n.Name, "link", "set", "lo", "up"); err != nil {
		return err
	}
	rules := fmt.Sprintf(`table inet lab_loss {
	chain out {
		type filter hook output priority 0; policy accept;
		meta l4proto tcp numgen random mod 1000 < %d counter drop
	}
}
`, n.Permill)
	return run(strings.NewReader(rules), "ip", "netns", "exec", n.Name, "nft", "-f", "-")
}

// Close removes the namespace.
func (n *NS) Close() error {
	return run(nil, "ip", "netns", "del", n.Name)
}

// Command returns cmd made to run inside the namespace. ip netns exec
// execs the program in its own process, so the pid is the program's.
func (n *NS) Command(path string, args ...string) *exec.Cmd {
	p, a := n.Wrap(path, args)
	return exec.Command(p, a...)
}

// Wrap turns a program and its arguments into the ones that run it
// inside the namespace, for callers that build their own exec.Cmd.
func (n *NS) Wrap(path string, args []string) (string, []string) {
	return "ip", append([]string{"netns", "exec", n.Name, path}, args...)
}

// Dropped reads how many segments the rule has dropped so far.
func (n *NS) Dropped() (int64, error) {
	out, err := exec.Command("ip", "netns", "exec", n.Name, "nft", "list", "chain", "inet", "lab_loss", "out").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("lossnet: nft list: %v: %s", err, out)
	}
	f := strings.Fields(string(out))
	for i, w := range f {
		if w == "packets" && i+1 < len(f) {
			return strconv.ParseInt(f[i+1], 10, 64)
		}
	}
	return 0, fmt.Errorf("lossnet: no counter in %q", out)
}

// DialContext connects from inside the namespace to an IP address (a
// name would be resolved, and dialled, on other threads, outside it).
// The socket is made on a thread moved into the namespace for the call,
// and belongs to it for good; the thread moves back after. A thread that
// cannot move back is never unlocked, so the runtime ends it rather than
// reuse it elsewhere.
func (n *NS) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host) == nil {
		return nil, fmt.Errorf("lossnet: dial %q: want an IP address and port", addr)
	}
	type result struct {
		c   net.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		c, err, back := n.dialInside(ctx, network, addr)
		if back {
			runtime.UnlockOSThread()
		}
		done <- result{c, err}
	}()
	r := <-done
	return r.c, r.err
}

func (n *NS) dialInside(ctx context.Context, network, addr string) (c net.Conn, err error, back bool) {
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, fmt.Errorf("lossnet: %w", err), true
	}
	defer self.Close()
	target, err := os.Open(filepath.Join("/run/netns", n.Name))
	if err != nil {
		return nil, fmt.Errorf("lossnet: %w", err), true
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("lossnet: setns %s: %w", n.Name, err), true
	}
	var d net.Dialer
	c, err = d.DialContext(ctx, network, addr)
	return c, err, unix.Setns(int(self.Fd()), unix.CLONE_NEWNET) == nil
}

func run(stdin *strings.Reader, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("lossnet: %s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
