package bench

import (
	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

// target is one server during a run: its process, addresses, collected
// trials and counters.
type target struct {
	def     serverDef
	dir     string // <run>/<server>
	addr    string // host:port of the server
	control string // host:port of lab serve's control endpoint; "" for nginx
	proc    *child

	failReason string
	trials     []trial
	warnings   []string

	before, after       *rundir.Stats
	cpuBefore, cpuAfter float64 // seconds of user+system CPU
	cpuOK               bool
	profiles            []string
	imbalance           []float64                   // per round with reactor samples
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
func (t *target) hasStats() bool { return !t.def.nginx }

// url is the server's address with a path.
func (t *target) url(path string) string { return "http://" + t.addr + path }
