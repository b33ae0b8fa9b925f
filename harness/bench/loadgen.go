package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"latencylab/harness/rundir"
	"latencylab/internal/lossnet"
)

// loadJob is one run of lab load.
type loadJob struct {
	url      string
	conns    int
	rate     float64
	mode     string
	warmup   time.Duration
	duration time.Duration
	timeout  time.Duration
	jsonPath string
	hlogPath string      // "": none
	net      *lossnet.NS // the namespace it runs in; nil: the bench's own
}

func (j loadJob) args(cpus string) []string {
	args := []string{"load", j.url,
		"--conns", strconv.Itoa(j.conns),
		"--duration", j.duration.String(),
		"--warmup", j.warmup.String(),
		"--rate", strconv.FormatFloat(j.rate, 'f', 0, 64),
		"--mode", j.mode,
		"--timeout", j.timeout.String(),
		"--json", j.jsonPath,
		"--cpu", cpus,
		// The ladder was measured with loops that sleep at once: polling
		// would spare every server its client's wake-ups and move the
		// figures it is compared with.
		"--spin", "0",
	}
	if j.hlogPath != "" {
		args = append(args, "--hlog", j.hlogPath)
	}
	return args
}

// runLoad runs lab load pinned to the load CPUs and reads its --json file.
func (r *runner) runLoad(ctx context.Context, j loadJob) (*rundir.LoadResult, error) {
	spec := childSpec{
		name: "lab load " + j.url,
		path: r.opt.Lab,
		args: j.args(r.cpus.load.String()),
		env:  []string{"GOMAXPROCS=" + strconv.Itoa(r.cpus.load.Count())},
		cpus: r.cpus.load,
	}
	if j.net != nil {
		spec.path, spec.args = j.net.Wrap(spec.path, spec.args)
	}
	c, err := r.children.start(spec)
	if err != nil {
		return nil, err
	}
	defer c.stop(r.opt.Limits.StopGrace)
	deadline := j.warmup + j.duration + r.opt.Limits.LoadSlack
	select {
	case <-c.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(deadline):
		return nil, fmt.Errorf("lab load ran past %v; output tail: %s", deadline, c.tail.String())
	}
	if c.err != nil {
		return nil, fmt.Errorf("lab load: %s", c.exitReason())
	}
	return readLoadResult(j.jsonPath)
}

func readLoadResult(path string) (*rundir.LoadResult, error) {
	lr, err := rundir.ReadLoadResult(path)
	if err != nil {
		return nil, fmt.Errorf("load result: %w", err)
	}
	return lr, nil
}
