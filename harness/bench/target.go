package bench

import (
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
func (t *target) hasStats() bool { return !t.def.nginx && t.def.command == "" }

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

// cpuSeconds is the server's CPU time so far: its process's, or for an
// external server, which may fork, its whole process group's.
func (t *target) cpuSeconds() (float64, error) {
	if t.def.command != "" {
		return groupCPUSeconds(t.proc.pid())
	}
	return cpuSeconds(t.proc.pid())
}

// pids are the processes a system profile records: the server's, or an
// external server's whole process group.
func (t *target) pids() []int {
	if t.def.command != "" {
		if pids, err := groupPIDs(t.proc.pid()); err == nil && len(pids) > 0 {
			return pids
		}
	}
	return []int{t.proc.pid()}
}
