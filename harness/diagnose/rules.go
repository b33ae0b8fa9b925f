package diagnose

import (
	"fmt"
	"strconv"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/capacity"
	"latencylab/harness/rundir"
)

// delayedACK: a mode near the 40 ms delayed-ACK timer, and the kernel's
// DelayedACKs counter rising with it. Nagle holds a response's second
// segment until the first is ACKed; the client, expecting more, delays
// that ACK.
func delayedACK(ts []Trial) (Diagnosis, bool) {
	in, total := modeIn(ts, delayedACKBand)
	acks, known := kernelSum(ts, "DelayedACKs")
	s := share(in, total)
	// At least one delayed ACK for every ten requests in the mode: on
	// loopback both ends count in the namespace's counter.
	if s < minModeShare || !known || acks < max(10, in/10) {
		return Diagnosis{}, false
	}
	return Diagnosis{ID: "delayed-ack", Share: s,
		Evidence: fmt.Sprintf("%s of requests took %v (the delayed-ACK timer is 40 ms); DelayedACKs +%d over the trials", pct(s), delayedACKBand, acks),
		Remedy:   "turn Nagle off (TCP_NODELAY: the nodelay stage), or send each response in one write (stackbuf)"}, true
}

// synRetransmit: modes at 1, 2 and 3 s, and the listen queue dropping
// SYNs and handshakes' last ACKs (ListenOverflows, ListenDrops) or the
// client sending SYNs again (TCPSynRetrans).
func synRetransmit(ts []Trial) (Diagnosis, bool) {
	in, total := modeIn(ts, synBands...)
	drops, known := kernelSum(ts, "ListenOverflows", "ListenDrops")
	retrans, _ := kernelSum(ts, "TCPSynRetrans")
	s := share(in, total)
	// Each request in the mode is a SYN dropped (both drop counters move)
	// or sent again: the counters must be of that order, not one stray.
	if s < minRareShare || !known || 4*(drops+retrans) < in {
		return Diagnosis{}, false
	}
	return Diagnosis{ID: "syn-retransmit", Share: s,
		Evidence: fmt.Sprintf("%s of requests took %v, %v or %v (a dropped SYN is sent again after 1 s, then 3 s; a dropped last ACK has the SYN-ACK sent again after 1 s); "+
			"ListenOverflows+ListenDrops +%d, TCPSynRetrans +%d", pct(s), synBands[0], synBands[1], synBands[2], drops, retrans),
		Remedy: "a longer listen backlog (lab serve --backlog; the core's default is 1024, naive's 128) within net.core.somaxconn, or accept faster"}, true
}

// rto: a floor of 200 ms, and the kernel sending segments again. On
// loopback the round trip is microseconds, so a lost segment waits for
// the first timer that fires: a tail-loss probe (for a lone segment in
// flight, about 200 ms: the worst-case delayed ACK) or the retransmission
// timer (at least 200 ms, doubling). RetransSegs counts both, TCPTimeouts
// the second alone.
func rto(ts []Trial) (Diagnosis, bool) {
	in, total := modeIn(ts, rtoBand)
	timeouts, knownT := kernelSum(ts, "TCPTimeouts")
	retrans, knownR := kernelSum(ts, "RetransSegs")
	probes, _ := kernelSum(ts, "TCPLossProbes")
	s := share(in, total)
	sent := max(retrans, timeouts)
	// A request in the band per lost segment, give or take those queued
	// behind it: the counters must be of that order, not one stray.
	if s < minRareShare || !(knownT || knownR) || sent == 0 || 10*sent < in {
		return Diagnosis{}, false
	}
	return Diagnosis{ID: "rto", Share: s,
		Evidence: fmt.Sprintf("%s of requests took %v (a lost segment is sent again after a tail-loss probe or the retransmission timer, 200 ms at the least); "+
			"RetransSegs +%d, of which TCPLossProbes +%d, and TCPTimeouts +%d", pct(s), rtoBand, retrans, probes, timeouts),
		Remedy: "find what loses segments: on loopback, a receive queue or memory limit overflowing (netstat -s) or a firewall rule; elsewhere the path (ss -ti counts retransmissions per socket)"}, true
}

// gcPause: a slow tail whose requests fall mostly in the intervals where
// the runtime stopped the world or kept goroutines waiting while it
// collected, and, where enough intervals had no such stall to compare
// with, fall there at least twice as often as elsewhere.
func gcPause(ts []Trial) (Diagnosis, bool) {
	var slowAll, slowGC, total, cycles, stalled, intervals, reqGC int64
	var maxPause, maxSched float64
	for _, t := range ts {
		if t.Latency == nil || len(t.Runtime) == 0 {
			continue
		}
		cut := slowCut(t.Latency)
		total += t.Latency.TotalCount()
		for i, iv := range t.Intervals {
			n := iv.TotalCount() - countBetween(iv, 0, cut)
			slowAll += n
			intervals++
			if rs, ok := runtimeAt(t, i); ok && rs.GCCycles > 0 &&
				(rs.GCPauseMax >= float64(runtimeStall) || rs.SchedLatMax >= float64(runtimeStall)) {
				slowGC += n
				reqGC += iv.TotalCount()
				stalled++
				maxPause, maxSched = max(maxPause, rs.GCPauseMax), max(maxSched, rs.SchedLatMax)
			}
		}
		for _, rs := range t.Runtime {
			cycles += int64(rs.GCCycles)
		}
	}
	if share(slowAll, total) < minSlowShare || cycles == 0 || 2*slowGC < slowAll {
		return Diagnosis{}, false
	}
	if calm := intervals - stalled; float64(calm) >= minCalmShare*float64(intervals) &&
		share(slowGC, reqGC) < 2*share(slowAll-slowGC, total-reqGC) {
		return Diagnosis{}, false // slow requests as frequent where the GC did not stall: not lined up
	}
	s := share(slowGC, total)
	return Diagnosis{ID: "gc-pause", Share: s,
		Evidence: fmt.Sprintf("%s of the slow requests (over %v and %d× the median) fell in the %s of 100 ms intervals where the GC ran and stopped the world for up to %v or kept the server waiting to run for up to %v; %d GC cycles over the trials",
			pct(share(slowGC, slowAll)), slowFloor, slowFactor, pct(share(stalled, intervals)), time.Duration(maxPause), time.Duration(maxSched), cycles),
		Remedy: "allocate nothing per request (the pools stage), or raise GOGC / GOMEMLIMIT so the collector runs less often"}, true
}

// slowCut is the latency above which a request is slow.
func slowCut(h *hdr.Histogram) int64 {
	return max(slowFloor.Nanoseconds(), slowFactor*h.ValueAtQuantile(50))
}

// runtimeAt is the runtime sample covering interval i: the first whose
// end (AtMS, from the load's start) is past the middle of the interval's
// end on the 100 ms grid both share (the window starts after the
// warm-up).
func runtimeAt(t Trial, i int) (s rundir.RuntimeSample, ok bool) {
	if len(t.Runtime) == 0 || len(t.Intervals) == 0 {
		return s, false
	}
	warmupMS := t.Result.WarmupS * 1000
	stepMS := float64(IntervalMS)
	at := warmupMS + (float64(i)+1)*stepMS
	for _, rs := range t.Runtime {
		if rs.AtMS >= at-stepMS/2 {
			return rs, true
		}
	}
	return s, false
}

// queueing: latency climbing through the trial (the queue of an open loop
// that offers more than the server does), with the generator's sends
// lagging behind their schedule as the evidence that requests waited.
func queueing(ts []Trial) (Diagnosis, bool) {
	var grew, waited, total int64
	var lagP99 float64
	for _, t := range ts {
		if t.Latency == nil || len(t.Intervals) < 2 || t.Result.Rate <= 0 {
			continue
		}
		first, second := Halves(t.Intervals)
		total += t.Latency.TotalCount()
		lag := t.Result.SendLag.P99
		if !capacity.Growing(float64(first.ValueAtQuantile(50)), float64(second.ValueAtQuantile(50))) || lag < float64(lagFloor) {
			continue
		}
		grew++
		lagP99 = max(lagP99, lag)
		waited += t.Latency.TotalCount() - countBetween(t.Latency, 0, first.ValueAtQuantile(99))
	}
	if grew == 0 || 2*grew < int64(len(ts)) {
		return Diagnosis{}, false
	}
	s := share(waited, total)
	return Diagnosis{ID: "queueing", Share: s,
		Evidence: fmt.Sprintf("latency climbed through %d of %d trials (the second half's median over %.1f× the first's) while the generator's sends lagged up to %v (p99) behind schedule",
			grew, len(ts), capacity.GrowthRatio, time.Duration(lagP99)),
		Remedy: "the offered rate is above what the server carries: lower it (the sweep scenario finds the capacity at an SLO) or use a faster stage"}, true
}

// Halves merges a trial's intervals into its first and second half (the
// queue-growth rule, capacity.Growing, compares their medians).
func Halves(ivs []*hdr.Histogram) (first, second *hdr.Histogram) {
	first, second = newHist(), newHist()
	mid := len(ivs) / 2
	for i, iv := range ivs {
		if i < mid {
			first.Merge(iv)
		} else {
			second.Merge(iv)
		}
	}
	return first, second
}

// generatorBound: the generator's pacer itself fell behind its schedule
// (pacer lag: late before any connection was involved, unlike send lag,
// which also grows while a slow server keeps connections busy), with its
// busiest event loop nearly always busy, or lab load saying it saturated.
// Its process CPU is no evidence: the open-loop pacer spins on purpose.
func generatorBound(ts []Trial) (Diagnosis, bool) {
	var hit, total int64
	var busy, lag float64
	for _, t := range ts {
		r := t.Result
		loop, pacer, saturated := generatorOf(r)
		saturated = saturated || loop >= busyGenerator
		total += r.Requests
		if !saturated || pacer < float64(lagFloor) {
			continue
		}
		busy, lag = max(busy, loop), max(lag, pacer)
		hit += lagged(r)
	}
	if hit == 0 {
		return Diagnosis{}, false
	}
	s := share(hit, total)
	return Diagnosis{ID: "generator-bound", Share: s,
		Evidence: fmt.Sprintf("the generator's busiest event loop was busy up to %s of the time and its pacer ran up to %v (p99) behind schedule", pct(busy), time.Duration(lag)),
		Remedy:   "give lab load more CPUs (lab bench --load-cpus, lab load --cpu, --threads) or fewer connections: the numbers measure the generator"}, true
}

// lagged estimates the requests sent over lagFloor late from the send-lag
// percentiles: at least the share above the lowest percentile over the
// floor (p99 over it: at least 1%).
func lagged(r rundir.LoadResult) int64 {
	qs := []struct {
		v float64
		q float64
	}{{r.SendLag.P50, 0.5}, {r.SendLag.P90, 0.9}, {r.SendLag.P99, 0.99}, {r.SendLag.P999, 0.999}}
	for _, q := range qs {
		if q.v >= float64(lagFloor) {
			return int64((1 - q.q) * float64(r.Requests))
		}
	}
	return 0
}

func newHist() *hdr.Histogram { return rundir.NewHist() }

// generatorOf reads the generator's busiest loop, pacer lag p99 and
// saturation verdict from lab load's typed account, or, for a result
// written before it existed, from extra's strings.
func generatorOf(r rundir.LoadResult) (busy, pacerLagNS float64, saturated bool) {
	if g := r.Generator; g != nil {
		return g.BusiestLoopBusy, float64(g.PacerLagP99NS), g.Saturated
	}
	return extraFloat(r, "busiest_loop_busy"), extraFloat(r, "pacer_lag_p99_ns"), false
}

// extraFloat reads a number an older lab load put in its result's extra;
// 0 when absent.
func extraFloat(r rundir.LoadResult, key string) float64 {
	v, err := strconv.ParseFloat(r.Extra[key], 64)
	if err != nil {
		return 0
	}
	return v
}
