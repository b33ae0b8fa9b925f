package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// deriveRate sets the open-loop rate: the scenario's fixed rate, or its
// rule applied to a closed-loop probe of the rule's server. The probe runs
// on a server process of its own, so that the measured servers' counters
// see only their trials.
func (r *runner) deriveRate(ctx context.Context) error {
	rule := r.sc.RateRule
	if rule == nil {
		r.rate = r.sc.Rate
		return nil
	}
	rps, err := r.probe(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.rate = rule.Min
		r.rateRule = fmt.Sprintf("probe of %s failed (%v): rate fell back to the rule's minimum, %.0f req/s", rule.Server, err, rule.Min)
		r.note(r.rateRule)
		return nil
	}
	r.rate, r.rateRule = rule.Apply(rps)
	r.prog.line("rate: %s", r.rateRule)
	return nil
}

// probe measures the closed-loop throughput of the rule's server on a
// process of its own, in the rule's probe windows.
func (r *runner) probe(ctx context.Context) ([]float64, error) {
	rule := r.sc.RateRule
	def, ok := r.probeDef(ctx, rule.Server)
	if !ok {
		return nil, fmt.Errorf("server %q is not available", rule.Server)
	}
	t := &target{def: def, dir: r.tmp, http: r.http}
	defer t.closeNet()
	if err := r.startServer(ctx, t); err != nil {
		return nil, err
	}
	defer t.proc.stop(r.opt.Limits.StopGrace)
	rps, err := r.probeWindows(ctx, t, probePlan{conns: rule.Conns, mode: rule.Mode, window: rule.Duration.D, windows: rule.Probes, name: "probe"})
	// This target is the probe's own and is not in run.json: its
	// warnings (a window that failed) become the run's notes.
	for _, w := range t.warnings {
		r.note(fmt.Sprintf("rate probe of %s: %s", rule.Server, w))
	}
	return rps, err
}

// probePlan is a closed-loop probe: windows of the same load.
type probePlan struct {
	conns   int
	mode    string
	window  time.Duration
	windows int
	name    string // names the scratch results: <name>-<i>.json
}

// probeWindows is the bench's one probe loop: closed-loop windows against
// t, each warmed up for a quarter of its length. A window that fails or
// measures nothing is skipped with a warning on t: on a shared machine a
// probe can only come out too low, never too high, so the rest still
// count. It returns the throughput of every window that measured, and an
// error only when none did.
func (r *runner) probeWindows(ctx context.Context, t *target, p probePlan) ([]float64, error) {
	var rps []float64
	var last error
	for i := range p.windows {
		lr, err := r.runLoad(ctx, loadJob{
			url: t.url(r.sc.Path), net: t.net, conns: p.conns, mode: p.mode,
			warmup: p.window / 4, duration: p.window, timeout: r.sc.Timeout.D,
			jsonPath: filepath.Join(r.tmp, fmt.Sprintf("%s-%d.json", p.name, i+1)),
		})
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			last = err
		case lr.ThroughputRPS <= 0:
			last = fmt.Errorf("no throughput (errors: %v)", lr.Errors)
		default:
			rps = append(rps, lr.ThroughputRPS)
			continue
		}
		t.warn(fmt.Sprintf("probe window %d of %d: %v", i+1, p.windows, last))
	}
	if len(rps) == 0 {
		return nil, fmt.Errorf("no probe window measured a throughput: %w", last)
	}
	return rps, nil
}

// probeDef finds the probed server among the known ones, selected or not.
func (r *runner) probeDef(ctx context.Context, name string) (serverDef, bool) {
	for _, t := range r.targets {
		if t.def.name == name {
			return t.def, t.def.unavailable == ""
		}
	}
	listed, err := listStages(ctx, r.opt.Lab)
	for _, d := range catalog(listed, err, r.sc.Variants) {
		if d.name == name {
			return d, d.unavailable == "" && !d.nginx
		}
	}
	return serverDef{}, false
}
