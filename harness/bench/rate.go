package bench

import (
	"context"
	"fmt"
	"path/filepath"
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

// probe measures the closed-loop throughput of the rule's server, once per
// probe window.
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
	var rps []float64
	for i := range rule.Probes {
		lr, err := r.runLoad(ctx, loadJob{
			url:      t.url(r.sc.Path),
			net:      t.net,
			conns:    rule.Conns,
			mode:     rule.Mode,
			warmup:   rule.Duration.D / 4,
			duration: rule.Duration.D,
			timeout:  r.sc.Timeout.D,
			jsonPath: filepath.Join(r.tmp, fmt.Sprintf("probe-%d.json", i+1)),
		})
		if err != nil {
			return nil, err
		}
		if lr.ThroughputRPS <= 0 {
			return nil, fmt.Errorf("probe measured no throughput (errors: %v)", lr.Errors)
		}
		rps = append(rps, lr.ThroughputRPS)
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
	for _, d := range catalog(listed, err) {
		if d.name == name {
			return d, d.unavailable == "" && !d.nginx
		}
	}
	return serverDef{}, false
}
