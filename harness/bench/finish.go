package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// runVersion is run.json's schema version.
const runVersion = 1

// finish writes bench.txt and run.json from what the run collected.
func (r *runner) finish(started time.Time) error {
	env := environment(context.Background(), r.cpus, r.opt.GOGC, r.opt.Lab)
	sc := r.scenarioRecord()
	run := rundir.Run{
		Version:  runVersion,
		Started:  started,
		Finished: time.Now(),
		Scenario: sc,
		Env:      env,
		Notes:    append(slices.Clone(r.notes), r.methodNotes()...),
	}
	for _, t := range r.targets {
		s := summarize(t)
		r.sweepSummary(t, &s)
		s.Diagnoses = diagnoses(t)
		run.Servers = append(run.Servers, s)
	}
	if err := r.writeBench(sc, env); err != nil {
		return err
	}
	if err := run.Write(r.dir); err != nil {
		return fmt.Errorf("write run.json: %w", err)
	}
	return nil
}

func (r *runner) scenarioRecord() rundir.Scenario {
	return rundir.Scenario{
		Name:        r.sc.Name,
		Description: r.sc.Description,
		Path:        r.sc.Path,
		Mode:        r.sc.Mode,
		Conns:       r.sc.Conns,
		Rate:        r.rate,
		RateRule:    r.rateRule,
		VariantRate: r.sc.VariantRate,
		WarmupS:     r.sc.Warmup.D.Seconds(),
		DurationS:   r.sc.Duration.D.Seconds(),
		Rounds:      r.sc.Rounds,
		Quick:       r.opt.Quick,
		Sweep:       r.sweepRecord(),
		AA:          r.opt.AA,
	}
}

// methodNotes say how the run was made, for a reader of run.json alone.
func (r *runner) methodNotes() []string {
	return []string{
		"each server ran as one process for the whole run; every trial had its own warm-up",
		"measured trials interleaved: round-robin over the servers, order rotated by one each round",
		"stats-before/after and the CPU time bracket all measured trials (warm-ups included); profiling ran after them, in its own pass",
		fmt.Sprintf("medians and %.0f%% confidence intervals across rounds: golang.org/x/perf/benchmath AssumeNothing", runstats.Confidence*100),
	}
}

// writeBench writes bench.txt: the trials in the order they ran.
func (r *runner) writeBench(sc rundir.Scenario, env rundir.Env) error {
	var lines []benchLine
	for k := 1; k <= r.sc.Rounds; k++ {
		for _, t := range rotate(r.targets, k-1) {
			for _, tr := range t.trials {
				if tr.round == k {
					lines = append(lines, benchLine{server: t.def.name, round: k, result: tr.result})
				}
			}
		}
	}
	f, err := os.Create(filepath.Join(r.dir, rundir.BenchFile))
	if err != nil {
		return fmt.Errorf("write bench.txt: %w", err)
	}
	if err := writeBenchTxt(f, sc, env, lines); err != nil {
		f.Close()
		return fmt.Errorf("write bench.txt: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write bench.txt: %w", err)
	}
	return nil
}
