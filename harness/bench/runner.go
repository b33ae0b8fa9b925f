package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"latencylab/harness/capacity"
	"latencylab/harness/scenarios"
	"latencylab/internal/cpuset"
	"latencylab/internal/lossnet"
	"latencylab/profiles"
)

// ErrAllFailed is returned (with the run directory) when no server produced
// a single measured trial.
var ErrAllFailed = errors.New("every server failed; see run.json")

// runner is the state of one bench run.
type runner struct {
	opt      Options
	log      *slog.Logger
	sc       scenarios.Scenario
	cpus     cpuPlan
	nginx    string         // nginx binary, "" when absent
	perf     *profiles.Perf // system profiler, nil when absent or unusable
	dir      string         // the run directory
	tmp      string         // scratch: nginx configs, probe and profiling load results
	children *children
	http     *http.Client
	control  *controlClient // the lab serve children's control endpoints
	prog     *progress
	targets  []*target
	notes    []string
	rate     float64 // the open-loop rate applied, 0 = closed loop
	rateRule string  // how rate was derived
	slo      capacity.SLO

	kernelNoted bool // the run says once that kernel counters are missing
}

// Run runs the scenario over the selected servers and returns the run
// directory. The directory is returned with an error too when some results
// were written (every server failed, or ctx was cancelled).
func Run(ctx context.Context, opt Options) (string, error) {
	opt = opt.withDefaults()
	r, err := newRunner(ctx, opt)
	if err != nil {
		return "", err
	}
	defer r.cleanup()
	started := time.Now()
	if err := r.makeRunDir(started); err != nil {
		return "", err
	}
	runErr := r.execute(ctx)
	r.prog.clear()
	if runErr != nil {
		r.notes = append(r.notes, "interrupted: "+runErr.Error()+"; results so far are kept")
	}
	if err := r.finish(started); err != nil {
		return r.dir, err
	}
	if runErr == nil && !r.anyMeasured() {
		runErr = ErrAllFailed
	}
	return r.dir, runErr
}

// execute is the run proper: servers up, rate, counters before, measured
// rounds, counters after, profiling pass.
func (r *runner) execute(ctx context.Context) error {
	defer r.children.stopAll()
	r.startAll(ctx)
	if r.sc.Sweep != nil {
		if err := r.probeAll(ctx); err != nil {
			return err
		}
	} else if err := r.deriveRate(ctx); err != nil {
		return err
	}
	r.snapshot(ctx, false)
	measure := r.measure
	if r.sc.Sweep != nil {
		measure = r.sweep
	}
	if err := measure(ctx); err != nil {
		return err
	}
	r.snapshot(ctx, true)
	if err := r.profilePass(ctx); err != nil {
		return fmt.Errorf("during profiling: %w", err)
	}
	return nil
}

// newRunner checks everything that can be checked before a process starts.
func newRunner(ctx context.Context, opt Options) (*runner, error) {
	sc, err := loadScenario(opt)
	if err != nil {
		return nil, err
	}
	if opt.Lab == "" {
		if opt.Lab, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("find the lab binary: %w", err)
		}
	}
	online, err := cpuset.Online()
	if err != nil {
		return nil, err
	}
	plan, err := planCPUs(online, opt.ServerCPUs, opt.LoadCPUs)
	if err != nil {
		return nil, UsageError{err.Error()}
	}
	r := &runner{
		opt: opt, log: opt.Logger, sc: sc, cpus: plan, slo: opt.SLO,
		children: &children{grace: opt.Limits.StopGrace, tail: opt.Limits.StderrTail},
		http:     newHTTPClient(opt.Limits.HTTPTimeout),
		prog:     newProgress(opt.Progress),
	}
	if r.control, err = newControlClient(); err != nil {
		return nil, err
	}
	if err := r.selectTargets(ctx); err != nil {
		return nil, err
	}
	if opt.PinSelf {
		// The bench's own polling and bookkeeping stay off the server CPU.
		if err := cpuset.PinProcess(plan.load); err != nil {
			return nil, fmt.Errorf("pin the bench to the load cpus: %w", err)
		}
	}
	if r.tmp, err = os.MkdirTemp("", "labbench-"); err != nil {
		return nil, fmt.Errorf("scratch dir: %w", err)
	}
	r.findPerf(ctx)
	return r, nil
}

func loadScenario(opt Options) (scenarios.Scenario, error) {
	load := scenarios.Load
	if scenarios.IsPath(opt.Scenario) {
		load = scenarios.LoadFile
	}
	sc, err := load(opt.Scenario)
	if err != nil {
		return sc, UsageError{err.Error()}
	}
	if opt.Quick {
		sc = sc.WithQuick()
	}
	if opt.Rounds != 0 {
		if opt.Rounds < 1 || opt.Rounds > scenarios.MaxRounds {
			return sc, UsageError{fmt.Sprintf("--rounds %d not in 1..%d", opt.Rounds, scenarios.MaxRounds)}
		}
		sc.Rounds = opt.Rounds
	}
	if opt.Duration != 0 {
		sc.Duration.D = opt.Duration
		if err := sc.Validate(); err != nil {
			return sc, UsageError{fmt.Sprintf("--duration %v: %v", opt.Duration, err)}
		}
	}
	return sc, nil
}

// selectTargets resolves --servers against lab stages and the references.
func (r *runner) selectTargets(ctx context.Context) error {
	listed, listErr := listStages(ctx, r.opt.Lab)
	if listErr != nil {
		r.log.Warn("lab stages failed", "err", listErr)
	}
	requested := r.opt.Servers
	if requested == nil {
		requested = r.sc.Servers
	}
	if r.opt.AA != "" {
		requested = []string{r.opt.AA}
	}
	all := catalog(listed, listErr, r.sc.Variants)
	defs, err := selectServers(all, requested, r.sc.VariantNames())
	if err != nil {
		return err
	}
	// The scenario's own external servers, then --server's.
	ext, err := externalDefs(append(slices.Clone(r.sc.External), r.opt.External...), all)
	if err != nil {
		return err
	}
	defs = append(defs, ext...)
	att, err := attachedDefs(r.opt.Attached, append(slices.Clone(all), ext...))
	if err != nil {
		return err
	}
	defs = append(defs, att...)
	if r.opt.AA != "" {
		defs = append(defs, aaTwin(defs[0]))
	}
	nginx, found := findNginx(r.opt.NginxPath)
	lossErr := lossnet.Available()
	for _, d := range defs {
		if d.nginx && !found {
			r.note(nginxMissing(r.opt.NginxPath))
			continue
		}
		if d.lossPermille > 0 && lossErr != nil {
			r.note(fmt.Sprintf("%s skipped: it needs a lossy network namespace, and %v", d.name, lossErr))
			continue
		}
		r.targets = append(r.targets, &target{def: d, http: r.http})
	}
	r.nginx = nginx
	if len(r.targets) == 0 {
		return UsageError{"no server left to bench"}
	}
	return nil
}

// makeRunDir creates <out>/<YYYYMMDD-HHMMSS>-<scenario>, with a suffix when
// a run started in the same second.
func (r *runner) makeRunDir(started time.Time) error {
	if err := os.MkdirAll(r.opt.Out, 0o755); err != nil {
		return fmt.Errorf("--out %s: cannot create it: %w", r.opt.Out, err)
	}
	base := filepath.Join(r.opt.Out, started.Format("20060102-150405")+"-"+r.sc.Name)
	for i := 1; ; i++ {
		dir := base
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			r.dir = dir
			return r.probeWritable()
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return fmt.Errorf("--out %s is not writable: %w", r.opt.Out, err)
		}
	}
}

// probeWritable fails early, before any server starts, when files cannot
// be written into the run directory.
func (r *runner) probeWritable() error {
	probe := filepath.Join(r.dir, ".probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		return fmt.Errorf("--out %s is not writable: %w", r.opt.Out, err)
	}
	return os.Remove(probe)
}

func (r *runner) cleanup() {
	r.children.stopAll()
	for _, t := range r.targets {
		if err := t.closeNet(); err != nil {
			r.log.Warn("lossy namespace left behind", "server", t.def.name, "err", err)
		}
	}
	if r.tmp != "" {
		_ = os.RemoveAll(r.tmp)
	}
}

func (r *runner) anyMeasured() bool {
	for _, t := range r.targets {
		if len(t.trials) > 0 || len(t.sweep) > 0 {
			return true
		}
	}
	return false
}
