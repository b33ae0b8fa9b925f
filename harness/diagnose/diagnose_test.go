package diagnose

import (
	"slices"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// fill records n values of v.
func fill(h *hdr.Histogram, v time.Duration, n int64) *hdr.Histogram {
	_ = h.RecordValues(v.Nanoseconds(), n)
	return h
}

// trialOf is a trial of 10 intervals; each gets the values its function
// gives it, and the whole window is their sum.
func trialOf(perInterval func(i int, h *hdr.Histogram), kernel map[string]int64) Trial {
	t := Trial{Latency: newHist(), Kernel: kernel,
		Result: rundir.LoadResult{Rate: 10_000, WarmupS: 0.3, DurationS: 1}}
	for i := range 10 {
		iv := newHist()
		perInterval(i, iv)
		t.Intervals = append(t.Intervals, iv)
		t.Latency.Merge(iv)
	}
	t.Result.Requests = t.Latency.TotalCount()
	return t
}

// clean: 1,000 requests an interval around 50 µs.
func clean(_ int, h *hdr.Histogram) {
	fill(h, 50*time.Microsecond, 990)
	fill(h, 200*time.Microsecond, 10)
}

var zeroKernel = map[string]int64{"DelayedACKs": 0, "ListenOverflows": 0, "ListenDrops": 0, "TCPSynRetrans": 0, "RetransSegs": 0, "TCPTimeouts": 0}

func with(k map[string]int64, name string, v int64) map[string]int64 {
	out := map[string]int64{}
	for n, x := range k {
		out[n] = x
	}
	out[name] = v
	return out
}

func ids(ds []Diagnosis) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func expect(t *testing.T, name string, ts []Trial, want ...string) []Diagnosis {
	t.Helper()
	got := Diagnose(ts)
	if !slices.Equal(ids(got), want) {
		t.Errorf("%s: diagnosed %v, want %v", name, ids(got), want)
	}
	return got
}

// A clean server has no diagnosis, whatever the counters say of the
// rest of the machine when its latency has no matching mode.
func TestCleanServerHasNone(t *testing.T) {
	expect(t, "clean", []Trial{trialOf(clean, zeroKernel)})
	expect(t, "clean, busy counters", []Trial{trialOf(clean, with(with(zeroKernel, "DelayedACKs", 5000), "ListenDrops", 40))})
}

func TestDelayedACK(t *testing.T) {
	nagle := func(_ int, h *hdr.Histogram) { fill(h, 41*time.Millisecond, 20); fill(h, 60*time.Microsecond, 5) }
	ds := expect(t, "40 ms mode + DelayedACKs", []Trial{trialOf(nagle, with(zeroKernel, "DelayedACKs", 400))}, "delayed-ack")
	if len(ds) == 1 && (ds[0].Share < 0.79 || ds[0].Share > 0.81) {
		t.Errorf("share %.3f, want 0.8", ds[0].Share)
	}
	expect(t, "40 ms mode, no DelayedACKs (another 40 ms cause)", []Trial{trialOf(nagle, zeroKernel)})
	expect(t, "40 ms mode, counters unknown", []Trial{trialOf(nagle, nil)})
}

func TestSynRetransmit(t *testing.T) {
	dropped := func(i int, h *hdr.Histogram) {
		clean(i, h)
		if i%3 == 0 {
			fill(h, 1030*time.Millisecond, 4)
		}
	}
	expect(t, "1 s mode + ListenOverflows", []Trial{trialOf(dropped, with(zeroKernel, "ListenOverflows", 16))}, "syn-retransmit")
	expect(t, "1 s mode, no SYN dropped", []Trial{trialOf(dropped, zeroKernel)})
	expect(t, "SYNs dropped, no 1 s mode", []Trial{trialOf(clean, with(zeroKernel, "ListenOverflows", 16))})
	// A busy server's trial: every slow request took a dropped SYN and a
	// dropped last ACK, 2 s; a mode at 2 s is no evidence against one at 3 s.
	twice := func(i int, h *hdr.Histogram) {
		clean(i, h)
		if i%3 == 0 {
			fill(h, 2040*time.Millisecond, 4)
		}
		if i == 1 {
			fill(h, 3050*time.Millisecond, 2)
		}
	}
	expect(t, "2 s mode + ListenOverflows", []Trial{trialOf(twice, with(zeroKernel, "ListenOverflows", 16))}, "syn-retransmit")
}

func TestRTO(t *testing.T) {
	lost := func(i int, h *hdr.Histogram) {
		clean(i, h)
		if i == 4 {
			fill(h, 210*time.Millisecond, 12)
		}
	}
	expect(t, "200 ms floor + TCPTimeouts", []Trial{trialOf(lost, with(with(zeroKernel, "TCPTimeouts", 3), "RetransSegs", 3))}, "rto")
	expect(t, "200 ms floor + loss probes", []Trial{trialOf(lost, with(with(zeroKernel, "TCPLossProbes", 12), "RetransSegs", 12))}, "rto")
	expect(t, "200 ms floor, nothing sent again", []Trial{trialOf(lost, zeroKernel)})
	expect(t, "200 ms floor, one stray retransmission", []Trial{trialOf(lost, with(zeroKernel, "RetransSegs", 1))})
}

// runtimeFor gives a trial one runtime sample per interval (at its end).
func runtimeFor(t Trial, stall func(i int) (cycles uint64, pauseNS, schedNS float64)) Trial {
	for i := range t.Intervals {
		c, p, s := stall(i)
		at := t.Result.WarmupS*1000 + float64(i+1)*100
		t.Runtime = append(t.Runtime, rundir.RuntimeSample{AtMS: at, GCCycles: c, GCPauses: c * 2, GCPauseMax: p, SchedLatMax: s})
	}
	return t
}

func TestGCPause(t *testing.T) {
	spiky := func(i int, h *hdr.Histogram) {
		clean(i, h)
		if i%2 == 1 {
			fill(h, 6*time.Millisecond, 30)
		}
	}
	gcOnOdd := func(i int) (uint64, float64, float64) {
		if i%2 == 1 {
			return 3, 20e3, 5e6
		}
		return 0, 0, 0
	}
	expect(t, "spikes where the GC ran", []Trial{runtimeFor(trialOf(spiky, zeroKernel), gcOnOdd)}, "gc-pause")
	gcOnEven := func(i int) (uint64, float64, float64) {
		if i%2 == 0 {
			return 3, 20e3, 5e6
		}
		return 0, 0, 0
	}
	expect(t, "spikes where the GC did not run", []Trial{runtimeFor(trialOf(spiky, zeroKernel), gcOnEven)})
	expect(t, "GC everywhere, no slow tail", []Trial{runtimeFor(trialOf(clean, zeroKernel), func(int) (uint64, float64, float64) { return 3, 20e3, 5e6 })})
	expect(t, "spikes, no runtime samples", []Trial{trialOf(spiky, zeroKernel)})
	everywhere := func(i int, h *hdr.Histogram) { clean(i, h); fill(h, 6*time.Millisecond, 30) }
	gcMost := func(i int) (uint64, float64, float64) {
		if i < 6 {
			return 3, 20e3, 5e6
		}
		return 0, 0, 0
	}
	expect(t, "slow everywhere, GC in 6 of 10 intervals: not lined up", []Trial{runtimeFor(trialOf(everywhere, zeroKernel), gcMost)})
}

func TestQueueing(t *testing.T) {
	growing := func(i int, h *hdr.Histogram) { fill(h, time.Duration(i+1)*5*time.Millisecond, 1000) }
	tr := trialOf(growing, zeroKernel)
	tr.Result.SendLag = rundir.Percentiles{Count: 1, P50: 2e6, P90: 8e6, P99: 20e6, P999: 30e6, Max: 40e6}
	expect(t, "latency climbing, sends lagging", []Trial{tr}, "queueing")
	level := trialOf(func(_ int, h *hdr.Histogram) { fill(h, 20*time.Millisecond, 1000) }, zeroKernel)
	level.Result.SendLag = tr.Result.SendLag
	expect(t, "high but level", []Trial{level})
	noLag := trialOf(growing, zeroKernel)
	expect(t, "climbing, no lag (a closed loop's own effect)", []Trial{noLag})
}

func TestGeneratorBound(t *testing.T) {
	tr := trialOf(clean, zeroKernel)
	tr.Result.LoadCPU = 0.99 // the pacer spins: no evidence either way
	tr.Result.Extra = map[string]string{"busiest_loop_busy": "0.95", "pacer_lag_p99_ns": "2500000"}
	tr.Result.SendLag = rundir.Percentiles{Count: 1, P50: 100e3, P90: 400e3, P99: 3e6, P999: 5e6, Max: 9e6}
	ds := expect(t, "busy generator, pacer late", []Trial{tr}, "generator-bound")
	if len(ds) == 1 && (ds[0].Share < 0.009 || ds[0].Share > 0.011) {
		t.Errorf("share %.4f, want the 1%% above p99's neighbour under 1 ms", ds[0].Share)
	}
	idle := tr
	idle.Result.Extra = map[string]string{"busiest_loop_busy": "0.44", "pacer_lag_p99_ns": "2500000"}
	expect(t, "pacer late, loop not busy", []Trial{idle})
	serverSlow := tr
	serverSlow.Result.Extra = map[string]string{"busiest_loop_busy": "0.95", "pacer_lag_p99_ns": "400000"}
	expect(t, "sends late (a slow server holds the connections), pacer on time", []Trial{serverSlow})
	// The typed account wins over extra, whatever extra or the warnings'
	// wording say.
	typed := tr
	typed.Result.Extra = nil
	typed.Result.Warnings = []string{"the generator was reworded"}
	typed.Result.Generator = &rundir.GeneratorInfo{BusiestLoopBusy: 0.5, Saturated: true, PacerLagP99NS: 2_500_000}
	expect(t, "typed: saturated, pacer late", []Trial{typed}, "generator-bound")
	typed.Result.Generator = &rundir.GeneratorInfo{BusiestLoopBusy: 0.4, PacerLagP99NS: 2_500_000}
	typed.Result.Extra = map[string]string{"busiest_loop_busy": "0.95"}
	expect(t, "typed: not busy, though extra says so", []Trial{typed})
}

// An overloaded trial spreads latency evenly over seconds: every timer's
// band holds some of it, but none is a peak, and one stray SYN
// retransmitted on the machine does not make a diagnosis.
func TestOverloadIsNotATimerMode(t *testing.T) {
	spread := func(i int, h *hdr.Histogram) {
		for ms := 1; ms <= 3000; ms += 7 {
			fill(h, time.Duration(ms)*time.Millisecond, 1)
		}
	}
	k := with(with(with(zeroKernel, "TCPSynRetrans", 1), "TCPTimeouts", 1), "DelayedACKs", 30)
	for _, d := range Diagnose([]Trial{trialOf(spread, k)}) {
		if d.ID == "syn-retransmit" || d.ID == "rto" || d.ID == "delayed-ack" {
			t.Errorf("diagnosed %s on an even spread: %s", d.ID, d.Evidence)
		}
	}
}
