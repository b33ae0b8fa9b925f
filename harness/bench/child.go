package bench

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"latencylab/internal/cpuset"
)

// childSpec is a process to start.
type childSpec struct {
	name   string     // for messages
	path   string     // binary
	args   []string   // after the binary
	env    []string   // KEY=VALUE, replacing those keys of this process's environment
	cpus   cpuset.Set // the CPUs the child starts pinned to
	stdout io.Writer  // nil: into the stderr tail
}

// child is one process the bench started, in its own process group so that
// it and anything it forks are stopped together, and so that the terminal's
// Ctrl-C reaches only the bench, which then stops the children in order.
type child struct {
	name string
	cmd  *exec.Cmd
	tail *tailBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
}

// startChild starts spec pinned to its CPUs.
func startChild(spec childSpec, tailBytes int) (*child, error) {
	cmd := exec.Command(spec.path, spec.args...)
	cmd.Env = mergeEnv(os.Environ(), spec.env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	tail := newTailBuffer(tailBytes)
	cmd.Stderr = tail
	cmd.Stdout = tail
	if spec.stdout != nil {
		cmd.Stdout = spec.stdout
	}
	// A grandchild holding the pipe open must not hang Wait forever.
	cmd.WaitDelay = time.Second
	if err := startPinned(cmd, spec.cpus); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", spec.name, spec.path, err)
	}
	c := &child{name: spec.name, cmd: cmd, tail: tail, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// exited reports whether the process has ended.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitsWithin waits up to d for the process to end and reports whether it
// has.
func (c *child) exitsWithin(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
		return true
	case <-t.C:
		return false
	}
}

// exitReason describes how the process ended, with the tail of its output.
func (c *child) exitReason() string {
	<-c.done
	status := "exited"
	if c.err != nil {
		status = c.err.Error()
	}
	return fmt.Sprintf("%s: %s; output tail: %s", c.name, status, c.tail.String())
}

// stop sends SIGTERM to the process group, then SIGKILL after grace.
// Whatever of the group outlives its leader (a forked child that ignores
// SIGTERM) is killed too: nothing the bench started is left running.
func (c *child) stop(grace time.Duration) {
	// Setpgid: the group id is the child's pid. The last SIGKILL finds
	// nobody (ESRCH) when the whole group went with its leader.
	pgid := c.pid()
	defer func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) }()
	if c.exited() {
		return
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-c.done
	}
}

// mergeEnv returns base with the keys of extra replaced or added.
func mergeEnv(base, extra []string) []string {
	out := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		key, _, _ := strings.Cut(kv, "=")
		if !hasKey(extra, key) {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

func hasKey(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// children tracks every process a run started so that all of them are
// stopped on the way out, whatever path the run takes.
type children struct {
	mu    sync.Mutex
	list  []*child
	grace time.Duration
	tail  int
}

func (cs *children) start(spec childSpec) (*child, error) {
	c, err := startChild(spec, cs.tail)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	cs.list = append(cs.list, c)
	cs.mu.Unlock()
	return c, nil
}

// stopAll stops every child still running, in parallel so that the
// grace periods overlap.
func (cs *children) stopAll() {
	cs.mu.Lock()
	list := cs.list
	cs.list = nil
	cs.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range list {
		wg.Go(func() { c.stop(cs.grace) })
	}
	wg.Wait()
}
