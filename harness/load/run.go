package load

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
	"latencylab/internal/cpuset"
)

// ErrNothingMeasured is returned (wrapped, with the Result) when the
// measured window saw no successful (2xx/3xx) response.
var ErrNothingMeasured = errors.New("nothing measured")

// Result is the outcome of a run.
type Result struct {
	Summary   rundir.LoadResult // exactly what --json writes
	Latency   *hdrhistogram.Histogram
	Service   *hdrhistogram.Histogram
	SendLag   *hdrhistogram.Histogram
	PacerLag  *hdrhistogram.Histogram // the part of send lag the generator caused (see package doc)
	Connect   *hdrhistogram.Histogram // TCP connects that ended in the window
	Handshake *hdrhistogram.Histogram // TLS handshakes that ended in the window

	open    bool
	threads int
}

// Run generates the load cfg describes and measures it. It returns when the
// run is over: after Warmup+Duration (closed loop), after the open-loop
// drain (at most Timeout more), or soon after ctx is cancelled (then the
// result covers what was measured). With no successful response it returns
// the Result together with an error wrapping ErrNothingMeasured.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p, workers, hw, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	out := execute(ctx, cfg, p, workers, hw)
	return finishRun(cfg, p, workers, hw, out)
}

// prepare checks the configuration, resolves the host once and sets up
// the workers and the interval log, before the clock starts.
func prepare(ctx context.Context, cfg Config) (*plan, []*worker, *hlogWriter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, nil, err
	}
	t, _ := parseTarget(cfg.server())
	rctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	err := t.resolve(rctx)
	cancel()
	if err != nil {
		return nil, nil, nil, err
	}
	threads := cfg.threads(runtime.GOMAXPROCS(0))
	p := newPlan(cfg, t, time.Time{})
	if t.tls {
		alpn := alpnHTTP1
		if cfg.HTTP2 {
			alpn = protoH2
		}
		if p.tls, err = cfg.TLS.clientConfig(t.hostname, alpn); err != nil {
			return nil, nil, nil, err
		}
	}
	cfg.logger().Debug("lab load: start", "addr", t.addr, "conns", cfg.Conns, "threads", threads,
		"mode", cfg.Mode.String(), "rate", cfg.Rate, "warmup", cfg.Warmup, "duration", cfg.Duration)
	var hw *hlogWriter
	if cfg.HlogPath != "" {
		if hw, err = newHlogWriter(cfg.HlogPath, threads, hlogHeader(cfg, t)); err != nil {
			return nil, nil, nil, err
		}
	}
	workers, err := makeWorkers(ctx, p, cfg.Shard.conns(cfg.Conns), threads, hw)
	if err != nil && hw != nil {
		hw.abort()
	}
	return p, workers, hw, err
}

// makeWorkers splits this agent's connections (indices in the plan)
// evenly over the threads.
func makeWorkers(ctx context.Context, p *plan, conns []int, threads int, hw *hlogWriter) ([]*worker, error) {
	workers := make([]*worker, threads)
	for i := range threads {
		first, last := len(conns)*i/threads, len(conns)*(i+1)/threads
		rec := newRecorder()
		if len(p.targets) > 0 {
			rec.targets = newTargetRecs(len(p.targets))
		}
		rec.timeoutMsg = fmt.Sprintf("no complete response within %s (--timeout)", time.Duration(p.timeoutNs))
		if hw != nil {
			rec.iv = hw.recorder(i, p.warmupNs)
		}
		w, err := newWorker(ctx, p, conns[first:last], rec, &workerStats{})
		if err != nil {
			for _, done := range workers[:i] {
				done.poll.close()
			}
			return nil, err
		}
		workers[i] = w
	}
	return workers, nil
}

// execution is what the orchestration measured around the workers.
type execution struct {
	endNs   int64 // when the last worker stopped
	cpu     windowCPU
	hlogErr error
	origin  time.Time     // the wall clock at the plan's origin, as this agent read it
	late    time.Duration // how late this agent reached --start-at
}

// execute starts the clock, runs the workers to completion, and the log
// writer, progress line and CPU sampler beside them.
func execute(ctx context.Context, cfg Config, p *plan, workers []*worker, hw *hlogWriter) execution {
	var out execution
	p.t0, out.late = origin(ctx, cfg.StartAt)
	out.origin = time.Now() // this agent's clock when it began: --start-at plus how late it was
	done := make(chan struct{})
	var side sync.WaitGroup
	if hw != nil {
		side.Go(func() { out.hlogErr = hw.loop(p.t0.Add(cfg.Warmup), p.warmupNs) })
	}
	side.Go(func() { out.cpu = sampleWindowCPU(p, done) })
	side.Go(func() { runProgress(cfg.Progress, p, workers, done) })
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(w.run)
	}
	wg.Wait()
	out.endNs = p.now()
	close(done)
	side.Wait()
	return out
}

// finishRun merges the workers' measurements into the Result.
func finishRun(cfg Config, p *plan, workers []*worker, hw *hlogWriter, out execution) (*Result, error) {
	rec := newRecorder()
	connected := 0
	busiest := 0.0
	var marginNs int64
	interrupted := false
	for _, w := range workers {
		rec.merge(w.rec)
		interrupted = interrupted || w.cancelled
		busiest = max(busiest, w.load.busyFrac())
		marginNs = max(marginNs, w.pace.marginNs)
		for i := range w.conns {
			if w.conns[i].ever {
				connected++
			}
		}
	}
	windowNs := max(min(out.endNs, p.endNs)-p.warmupNs, 0)
	var share int64 // this agent's share of --requests
	for _, w := range workers {
		for i := range w.conns {
			share += w.conns[i].quota
		}
	}
	cpus := availableCPUs()
	res := &Result{Latency: rec.latency, Service: rec.service, SendLag: rec.sendLag, PacerLag: rec.pacerLag,
		Connect: rec.connect, Handshake: rec.handshake, open: p.open, threads: len(workers)}
	res.Summary = buildSummary(cfg, rec, summaryInputs{
		windowNs: windowNs, connected: connected, threads: len(workers), cpus: cpus,
		loadCPU: out.cpu.utilization(cpus), busiest: busiest, marginNs: marginNs,
		interrupted: interrupted, requestsShare: share, server: p.target,
	})
	res.Summary.Shard = shardInfo(cfg, p, out)
	if res.Summary.Shard != nil && res.Summary.Shard.Late {
		res.Summary.Warnings = append(res.Summary.Warnings, fmt.Sprintf(
			"late: this agent reached the common origin %v after --start-at; its schedule kept the origin, so its first requests went out late", out.late.Round(time.Millisecond)))
	}
	for _, warn := range res.Summary.Warnings {
		cfg.logger().Warn("lab load: " + warn)
	}
	err := out.hlogErr
	if hw != nil {
		var totals map[string]*hdrhistogram.Histogram
		if res.Summary.Shard != nil { // lab merge needs them to merge service time and send lag
			totals = map[string]*hdrhistogram.Histogram{rundir.TagService: rec.service, rundir.TagSendLag: rec.sendLag,
				rundir.TagConnect: rec.connect, rundir.TagHandshake: rec.handshake}
			for i, tr := range rec.targets {
				if tr.latency != nil {
					totals[rundir.TargetTag(i)] = tr.latency
				}
			}
		}
		err = errors.Join(err, hw.close(totals))
	}
	if rec.okResponses() == 0 {
		err = errors.Join(fmt.Errorf("%w: %s", ErrNothingMeasured, whyNothing(rec, windowNs)), err)
	}
	return res, err
}

// availableCPUs is the number of CPUs this process may run on.
func availableCPUs() int {
	if s, err := cpuset.Online(); err == nil && s.Count() > 0 {
		return s.Count()
	}
	return runtime.NumCPU()
}

// windowCPU is the process's CPU time over the measured window.
type windowCPU struct {
	wallNs, cpuNs int64
}

// utilization is the process's CPU time over the window as a share of
// the CPUs it may use (open loop: including the polls that pace sends).
func (c windowCPU) utilization(cpus int) float64 {
	if c.wallNs <= 0 || cpus <= 0 {
		return 0
	}
	return float64(c.cpuNs) / (float64(c.wallNs) * float64(cpus))
}

// sampleWindowCPU reads rusage when the window opens and when it closes
// (or the run ends first).
func sampleWindowCPU(p *plan, done <-chan struct{}) windowCPU {
	if !sleepUntil(p, p.warmupNs, done) {
		return windowCPU{}
	}
	startNs, startCPU := p.now(), processCPUNs()
	sleepUntil(p, p.endNs, done)
	return windowCPU{wallNs: p.now() - startNs, cpuNs: processCPUNs() - startCPU}
}

// sleepUntil waits for the plan time at; false if done came first.
func sleepUntil(p *plan, at int64, done <-chan struct{}) bool {
	d := time.Duration(at - p.now())
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

func hlogHeader(cfg Config, t target) string {
	return fmt.Sprintf("[lab load %s: %d conns, mode %s, rate %g, latency in ns from the intended send time]",
		summaryURL(cfg, t), cfg.Conns, cfg.Mode, cfg.Rate)
}
