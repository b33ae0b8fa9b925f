package bench

import (
	"context"
	"fmt"
	"path/filepath"

	"latencylab/harness/rundir"
)

// startAll starts every server once for the whole run. Keeping one process
// per server across rounds lets stats-before/after and the CPU time bracket
// all of its measured trials, and pays the start-up once; each trial still
// has its own warm-up, because the server sat idle while the others ran.
func (r *runner) startAll(ctx context.Context) {
	if r.cpus.shared {
		r.note(fmt.Sprintf("server and load generator share cpu %s: numbers are not isolated", r.cpus.server))
	}
	r.prog.total = len(r.targets) * r.sc.Rounds
	for _, t := range r.targets {
		if err := r.serverDir(t); err != nil {
			t.fail(err.Error())
			continue
		}
		if t.def.unavailable != "" {
			t.fail(t.def.unavailable)
			r.prog.line("%s: failed: %s", t.def.name, t.failReason)
			continue
		}
		if err := r.startServer(ctx, t); err != nil {
			t.fail("start: " + err.Error())
			r.prog.line("%s: failed to start: %v", t.def.name, err)
		}
	}
}

// snapshot reads /stats and the CPU time of every live server, before the
// measured rounds or after them.
func (r *runner) snapshot(ctx context.Context, after bool) {
	when, file := "before the measured rounds", rundir.StatsBeforeFile
	if after {
		when, file = "after the measured rounds", rundir.StatsAfterFile
	}
	for _, t := range r.targets {
		if !r.alive(t, when) {
			continue
		}
		cpu, cpuErr := t.cpuSeconds()
		if _, known := t.pid(); cpuErr != nil && known {
			t.warn(cpuErr.Error())
		}
		r.setCPU(t, after, cpu, cpuErr == nil)
		if t.hasStats() {
			r.readStats(ctx, t, after, file)
		}
	}
}

func (r *runner) setCPU(t *target, after bool, cpu float64, ok bool) {
	if after {
		t.cpuAfter, t.cpuOK = cpu, t.cpuOK && ok
		return
	}
	t.cpuBefore, t.cpuOK = cpu, ok
}

func (r *runner) readStats(ctx context.Context, t *target, after bool, file string) {
	st, err := getStats(ctx, t.http, t.url("/stats"))
	if err != nil {
		t.warn("stats: " + err.Error())
		return
	}
	if err := rundir.WriteStats(r.dir, t.def.name, file, st); err != nil {
		t.warn(err.Error())
	}
	if after {
		t.after = st
	} else {
		t.before = st
	}
}

// measure runs the measured trials: round-robin over the servers, the order
// rotated each round so that no server is always first after a pause or
// always last when the machine has warmed up.
func (r *runner) measure(ctx context.Context) error {
	for k := 1; k <= r.sc.Rounds; k++ {
		for _, t := range rotate(r.targets, k-1) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.alive(t, fmt.Sprintf("before round %d", k)) {
				r.trial(ctx, t, k)
			}
		}
	}
	return ctx.Err()
}

// trial is one measured round of one server.
func (r *runner) trial(ctx context.Context, t *target, k int) {
	job := r.scenarioJob(t)
	job.jsonPath = filepath.Join(t.dir, rundir.RoundJSON(k))
	job.hlogPath = filepath.Join(t.dir, rundir.RoundHlog(k))
	side := r.startSidecar(ctx, t, k)
	before := r.kernelOf(t)
	lr, err := r.runLoad(ctx, job)
	side.stop(t, k, err != nil)
	if err == nil {
		r.addKernel(t, lr, before, job.jsonPath)
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		r.settle(t)
		if r.alive(t, fmt.Sprintf("during round %d", k)) {
			t.warn(fmt.Sprintf("round %d: %v", k, err))
		}
		r.prog.line("%s round %d/%d: failed: %v", t.def.name, k, r.sc.Rounds, err)
		r.prog.step()
		return
	}
	t.trials = append(t.trials, trial{round: k, result: *lr})
	for _, w := range lr.Warnings {
		t.warn(fmt.Sprintf("round %d: %s", k, w))
	}
	r.prog.trial(t.def.name, k, r.sc.Rounds, lr)
}

// scenarioJob is the scenario's load against t.
func (r *runner) scenarioJob(t *target) loadJob {
	rate := r.rate
	if t.def.kind == rundir.KindVariant && r.sc.VariantRate != nil {
		rate = *r.sc.VariantRate
	}
	job := loadJob{
		url: t.url(r.sc.Path), net: t.net,
		conns:    r.sc.Conns,
		rate:     rate,
		mode:     r.sc.Mode,
		warmup:   r.sc.Warmup.D,
		duration: r.sc.Duration.D,
		timeout:  r.sc.Timeout.D,
	}
	if l, ok := r.sc.ServerLoads[t.def.name]; ok {
		job.mode, job.conns, job.rate = l.Mode, l.Conns, l.Rate
	}
	return job
}

// profilePass profiles every live server after all measured trials
// (CONTRACTS.md §6.4): a system profile of any server (nginx too) where
// perf works, then the Go profiles of lab serve servers, each over its own
// load window of the scenario.
func (r *runner) profilePass(ctx context.Context) error {
	r.prog.line("profiling pass: %v of load per server", r.sc.Profile.D)
	for _, t := range r.targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !r.alive(t, "before profiling") {
			continue
		}
		job := r.scenarioJob(t)
		job.warmup, job.duration = 0, r.sc.Profile.D
		job.jsonPath = filepath.Join(r.tmp, t.def.name+"-profile-load.json")
		if _, known := t.pid(); r.perf != nil && known {
			r.profileStep(ctx, t, "system profile", func() error { return r.sysProfile(ctx, t, job) })
		}
		if t.control != "" {
			r.profileStep(ctx, t, "profiling", func() error { return r.profile(ctx, t, job) })
		}
		if t.def.pprof != "" {
			r.profileStep(ctx, t, "pprof", func() error { return r.pprofPull(ctx, t, job) })
		}
	}
	return ctx.Err()
}

// profileStep runs one profiling window; a failure is a warning on t.
func (r *runner) profileStep(ctx context.Context, t *target, what string, step func() error) {
	if err := step(); err != nil && ctx.Err() == nil {
		t.warn(what + ": " + err.Error())
		r.prog.line("%s: %s: %v", t.def.name, what, err)
	}
}

// rotate returns ts starting at index by (mod len).
func rotate(ts []*target, by int) []*target {
	if len(ts) == 0 {
		return nil
	}
	by %= len(ts)
	return append(append([]*target{}, ts[by:]...), ts[:by]...)
}

func (r *runner) note(msg string) {
	r.notes = append(r.notes, msg)
	r.prog.line("note: %s", msg)
}
