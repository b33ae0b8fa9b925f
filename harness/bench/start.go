package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"latencylab/harness/rundir"
	"latencylab/internal/lossnet"
)

// errPortTaken means a port chosen free was taken before the server bound it.
var errPortTaken = errors.New("port taken")

// startServer starts t's process and waits until it accepts connections,
// retrying with fresh ports when the port was taken meanwhile.
func (r *runner) startServer(ctx context.Context, t *target) error {
	if t.attached() {
		return r.attach(ctx, t)
	}
	var err error
	for attempt := 0; attempt < r.opt.Limits.PortAttempts; attempt++ {
		if err = r.tryStart(ctx, t); !errors.Is(err, errPortTaken) {
			return err
		}
		r.log.Info("port taken, retrying", "server", t.def.name, "attempt", attempt+1)
	}
	return fmt.Errorf("%s: ports kept being taken: %w", t.def.name, err)
}

func (r *runner) tryStart(ctx context.Context, t *target) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	t.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	spec, err := r.serverSpec(t, port)
	if err != nil {
		return err
	}
	if t.def.command != "" {
		// A command from the command line or a scenario file runs as the
		// user running the bench: it is said, before it runs.
		r.prog.line("%s: running %s", t.def.name, strings.Join(spec.args[1:], " "))
	}
	c, err := r.children.start(spec)
	if err != nil {
		return err
	}
	addrs := []string{t.addr}
	if t.control != "" {
		addrs = append(addrs, t.control)
	}
	if err := waitReady(ctx, c, r.opt.Limits.ReadyTimeout, t.dialer(), addrs...); err != nil {
		c.stop(r.opt.Limits.StopGrace)
		if portTaken(c.tail.String()) {
			return fmt.Errorf("%w: %v", errPortTaken, err)
		}
		return err
	}
	if t.def.command != "" {
		if err := r.waitAnswers(ctx, t, c, r.sc.Path); err != nil {
			c.stop(r.opt.Limits.StopGrace)
			return err
		}
	}
	t.proc = c
	return nil
}

// serverSpec is the command line of a server: lab serve, or nginx.
func (r *runner) serverSpec(t *target, port int) (childSpec, error) {
	// A variant's own environment comes last: for a repeated key the
	// last value is the one the child sees (os/exec).
	env := append([]string{"GOMAXPROCS=" + strconv.Itoa(r.cpus.server.Count()), "GOGC=" + r.opt.GOGC}, t.def.env...)
	spec := childSpec{name: t.def.name, env: env, cpus: r.cpus.server}
	if t.def.command != "" {
		spec.path, spec.args = "/bin/sh", []string{"-c", commandOf(t.def.command, t.addr)}
		t.control = ""
		return spec, nil
	}
	if t.def.nginx {
		dir, err := os.MkdirTemp(r.tmp, "nginx-")
		if err != nil {
			return spec, fmt.Errorf("nginx temp dir: %w", err)
		}
		spec.path = r.nginx
		spec.args, err = nginxArgs(dir, port)
		t.control = ""
		return spec, err
	}
	cport, err := freePort()
	if err != nil {
		return spec, err
	}
	if err := r.netOf(t); err != nil {
		return spec, err
	}
	t.control = net.JoinHostPort("127.0.0.1", strconv.Itoa(cport))
	spec.path = r.opt.Lab
	spec.env = append(spec.env, r.control.env())
	spec.args = append([]string{"serve", "--stage", t.def.serveStage(), "--addr", t.addr,
		"--cpu", r.cpus.server.String(), "--control", t.control}, t.def.args...)
	if t.net != nil {
		spec.path, spec.args = t.net.Wrap(spec.path, spec.args)
	}
	return spec, nil
}

// netOf makes the lossy namespace of a server that asks for one, once:
// its server, its load and the bench's own requests to it all run inside.
func (r *runner) netOf(t *target) error {
	if t.def.lossPermille == 0 || t.net != nil {
		return nil
	}
	// The name is checked (rundir.CheckName) and short; the pid keeps two
	// benches apart.
	ns, err := lossnet.New(fmt.Sprintf("lab-%d-%s", os.Getpid(), t.def.name), t.def.lossPermille)
	if err != nil {
		return err
	}
	t.net = ns
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil, DialContext: ns.DialContext}
	t.http = &http.Client{Timeout: r.opt.Limits.HTTPTimeout, Transport: tr}
	return nil
}

// alive checks that a server's process still runs, failing it if not.
// exitSettle is how long a failed round waits for its server's exit to be
// seen: a server that died mid-round ends the load at once, but its exit
// is seen only once its output pipes close.
const exitSettle = 2 * time.Second

// settle gives a started server whose round just failed the time to be
// seen exiting, so that alive blames the round it died in.
func (r *runner) settle(t *target) {
	if !t.attached() && t.proc != nil {
		t.proc.exitsWithin(exitSettle)
	}
}

func (r *runner) alive(t *target, when string) bool {
	if t.failed() {
		return false
	}
	if t.attached() {
		if pid, ok := t.pid(); ok {
			if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
				t.fail(fmt.Sprintf("pid %d is gone %s", pid, when))
				return false
			}
		}
		return true
	}
	if t.proc.exited() {
		t.fail(fmt.Sprintf("exited %s: %s", when, t.proc.exitReason()))
		return false
	}
	return true
}

// serverDir creates <run>/<server>.
func (r *runner) serverDir(t *target) error {
	if err := rundir.CheckName(t.def.name); err != nil {
		return fmt.Errorf("server folder: %w", err)
	}
	t.dir = filepath.Join(r.dir, t.def.name)
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return fmt.Errorf("server folder: %w", err)
	}
	return nil
}
