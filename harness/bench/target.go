package bench

import (
	"fmt"
	"net"
	"net/http"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
	"latencylab/internal/lossnet"
)

// target is one server during a run: its process, addresses, collected
// trials and counters.
type target struct {
	def     serverDef
	dir     string // <run>/<server>
	addr    string // host:port of the server
	control string // host:port of lab serve's control endpoint; "" for nginx
	proc    *child
	net     *lossnet.NS  // the lossy namespace the server and its load run in; nil: this one's
	http    *http.Client // for /stats and the control endpoint, dialling into net when set

	failReason string
	trials     []trial
	warnings   []string

	before, after       *rundir.Stats
	cpuBefore, cpuAfter float64 // seconds of user+system CPU
	cpuOK               bool
	profiles            []string
	imbalance           []float64                   // per round with reactor samples
	soak                *rundir.SoakVerdict         // a soak: the verdict the summary keeps
	runtime             map[int]rundir.RuntimeTrace // by round, for a Go server with a control endpoint

	probe float64         // sweep: closed-loop capacity probed before the rounds
	sweep []sweepTrial    // sweep: every open-loop trial
	knees []capacity.Knee // sweep: each round's knee
}

// trial is one measured round of a server.
type trial struct {
	round  int
	result rundir.LoadResult
}

func (t *target) failed() bool { return t.failReason != "" }

// fail marks the server failed; the first reason is the one kept.
func (t *target) fail(reason string) {
	if t.failReason == "" {
		t.failReason = reason
	}
}

func (t *target) warn(msg string) { t.warnings = append(t.warnings, msg) }

// hasStats reports whether the server answers /stats (lab serve does,
// nginx does not).
func (t *target) hasStats() bool { return !t.def.nginx && t.def.command == "" && !t.attached() }

// url is the server's address with a path.
func (t *target) url(path string) string { return "http://" + t.addr + path }

// dialer connects to t's addresses, inside its namespace if it has one.
func (t *target) dialer() dialFunc {
	if t.net != nil {
		return t.net.DialContext
	}
	return (&net.Dialer{}).DialContext
}

// closeNet removes t's namespace, if it has one.
func (t *target) closeNet() error {
	if t.net == nil {
		return nil
	}
	err := t.net.Close()
	t.net = nil
	return err
}

// attached reports a server already running (--target), which the bench
// did not start.
func (t *target) attached() bool { return t.def.attach.Name != "" }

// pid is the server's process: the one the bench started, or the pid
// given with --target; false when unknown.
func (t *target) pid() (int, bool) {
	switch {
	case t.attached():
		return t.def.attach.PID, t.def.attach.PID > 0
	case t.proc != nil:
		return t.proc.pid(), true
	}
	return 0, false
}

// cpuSeconds is the server's CPU time so far: its process's, an external
// server's whole process group's (it may fork), or a running server's
// process tree's.
func (t *target) cpuSeconds() (float64, error) {
	pid, ok := t.pid()
	switch {
	case !ok:
		return 0, fmt.Errorf("%s: CPU time unknown: no pid (--target NAME=URL,pid=PID)", t.def.name)
	case t.def.command != "":
		return groupCPUSeconds(pid)
	case t.attached():
		return treeCPUSeconds(pid)
	}
	return cpuSeconds(pid)
}

// pids are the processes a system profile records: the server's, an
// external server's whole process group, or a running server's tree.
func (t *target) pids() []int {
	pid, _ := t.pid()
	var pids []int
	switch {
	case t.def.command != "":
		pids, _ = groupPIDs(pid)
	case t.attached():
		pids, _ = treePIDs(pid)
	}
	if len(pids) == 0 {
		return []int{pid}
	}
	return pids
}
