package reports

import (
	"fmt"
	"strings"

	"latencylab/reports/markdown"
)

// writeSteps walks the ladder: for each stage, the seed's claim beside
// what was measured, and for each step the biggest profile changes.
func writeSteps(m *markdown.Doc, rd *runData, diffs profileDiffs) {
	m.H2("Step by step: the seed's claims against the measurements")
	stages := rd.stages()
	if len(stages) == 0 {
		m.Para("_No ladder stage in this run._")
		return
	}
	writeFirstStage(m, stages[0])
	// Every step has its table; its profile diffs where they were made
	// (lab report --no-flames makes none).
	for i := 1; i < len(stages); i++ {
		writeStep(m, rd, stepFrom(stages, i), stages[i])
		for _, diff := range []func(string) (stepDiff, bool){diffs.cpuFor, diffs.sysFor} {
			if d, ok := diff(stages[i].Name); ok {
				writeStepDiff(m, d)
			}
		}
	}
}

func writeFirstStage(m *markdown.Doc, s *serverData) {
	m.H3(s.Name)
	if c, ok := claimFor(s.Name); ok {
		m.Para("Seed: _%s_. Measured: %s.", c.text, claimMeasured(c, nil, s, nil))
	}
}

func writeStep(m *markdown.Doc, rd *runData, a, b *serverData) {
	m.H3(a.Name + " → " + b.Name)
	if c, ok := claimFor(b.Name); ok {
		m.Para("Seed: _%s_. Measured: %s.", c.text, claimMeasured(c, a, b, rd.servers))
	}
	if !a.usable() || !b.usable() {
		m.Para("_No comparison: %s._", unusableReason(a, b))
	} else {
		m.Table([]string{"metric", a.Name, b.Name, "change"}, "lrrr", stepRows(a, b))
	}
}

func unusableReason(ss ...*serverData) string {
	var why []string
	for _, s := range ss {
		if !s.usable() {
			why = append(why, s.Name+" has no measurements")
		}
	}
	return strings.Join(why, "; ")
}

// stepRows compares the headline numbers of two consecutive stages.
func stepRows(a, b *serverData) [][]string {
	if hasCapacity(a) && hasCapacity(b) && a.Throughput.Center == 0 {
		// A sweep run: capacity at the SLO is the step's figure.
		return [][]string{{"capacity at SLO", fmtRate(a.CapacityAtSLO.Center), fmtRate(b.CapacityAtSLO.Center),
			fmtChange(a.CapacityAtSLO.Center, b.CapacityAtSLO.Center)}}
	}
	rows := [][]string{{"throughput", fmtRate(a.Throughput.Center), fmtRate(b.Throughput.Center),
		fmtChange(a.Throughput.Center, b.Throughput.Center)}}
	for _, q := range []string{"mean", "p99"} {
		x, y := a.Latency[q].Center, b.Latency[q].Center
		rows = append(rows, []string{"latency " + q, fmtNS(x), fmtNS(y), fmtChange(x, y)})
	}
	pa, pb := a.perRequest(), b.perRequest()
	for _, c := range []struct {
		name string
		x, y *float64
	}{{"allocs/req", pa.allocs, pb.allocs}, {"syscalls/req", pa.syscallTotal(), pb.syscallTotal()}, {"CPU µs/req", pa.cpuUS, pb.cpuUS}} {
		change := "—"
		if c.x != nil && c.y != nil {
			change = fmtChange(*c.x, *c.y)
		}
		rows = append(rows, []string{c.name, fmtPtr(c.x, fmtNum), fmtPtr(c.y, fmtNum), change})
	}
	return rows
}

func writeStepDiff(m *markdown.Doc, d stepDiff) {
	if d.table == nil {
		m.Para("_No %s diff: %s._", profileWord(d.file), orDash(d.note))
		return
	}
	m.Para("Top %s changes (%s → %s, profiling pass) — [diff flame graph](%s), [diff profile](%s) (`go tool pprof -http=: %s`):",
		profileWord(d.file), d.from.Name, d.to.Name, d.html, d.pb, d.pb)
	m.Raw(d.table.Markdown())
}

// claimMeasured says what the lab measured about a claim. prev is the
// stage before (nil for the first), all the run's servers (for the
// Nagle demonstration).
func claimMeasured(c seedClaim, prev, s *serverData, all []*serverData) string {
	if !s.usable() {
		return "nothing (" + s.Name + " has no measurements)"
	}
	switch c.kind {
	case claimLatency:
		return fmt.Sprintf("mean latency **%s**, p99 %s (the seed's figure: %s ms; absolute numbers depend on the machine)",
			fmtNS(s.Latency["mean"].Center), fmtNS(s.Latency["p99"].Center), sig3(c.refMS))
	case claimSyscalls:
		return syscallsMeasured(prev, s, all)
	case claimAllocs:
		return allocsMeasured(prev, s)
	}
	return "—"
}

// syscallsMeasured compares syscalls per request with Nagle on (the
// stage before nodelay) and off. The setsockopt that turns Nagle off is set
// aside: the claim is about the I/O calls Nagle would save.
func syscallsMeasured(prev, s *serverData, all []*serverData) string {
	on, off := syscallsOf(prev), syscallsOf(s)
	out := fmt.Sprintf("syscalls per request with Nagle (%s) **%s**, without (%s) **%s**",
		nameOf(prev), fmtPtr(on, fmtNum), s.Name, fmtPtr(off, fmtNum))
	if on != nil && off != nil {
		ioOn, ioOff := *on-setsockoptOf(prev), *off-setsockoptOf(s)
		out += fmt.Sprintf("; without the setsockopt that turns Nagle off, %s and %s", fmtNum(ioOn), fmtNum(ioOff))
		if ioOn < ioOff*(1-nagleSavingMin) {
			out += " — Nagle did save syscalls here"
		} else {
			out += " — Nagle did not reduce syscalls per request"
		}
	}
	for _, x := range all {
		if strings.HasSuffix(x.Name, "-split") && x.usable() {
			out += fmt.Sprintf("; split-write %s: service time p50 **%s**, syscalls/req %s",
				x.Name, fmtNS(x.Service["p50"].Center), fmtPtr(syscallsOf(x), fmtNum))
			if d, ok := diagnosisOf(x, "delayed-ack"); ok {
				out += fmt.Sprintf(" — %s: %.0f%% of requests waited for a delayed ACK (%s)", x.Name, 100*d.Share, counterIn(d.Evidence, "DelayedACKs"))
			}
		}
	}
	return out
}

// nagleSavingMin is how much fewer syscalls with Nagle count as a saving
// rather than noise.
const nagleSavingMin = 0.02

// setsockoptOf is a server's setsockopt calls per request (0 if unknown).
func setsockoptOf(s *serverData) float64 {
	if s == nil || !s.usable() {
		return 0
	}
	return s.perRequest().syscalls["setsockopt"]
}

func allocsMeasured(prev, s *serverData) string {
	a, b := allocsOf(prev), allocsOf(s)
	out := fmt.Sprintf("heap allocations per request %s (%s) → **%s** (%s)", fmtPtr(a, fmtNum), nameOf(prev), fmtPtr(b, fmtNum), s.Name)
	if a != nil && b != nil {
		out += " — " + fmtChange(*a, *b)
	}
	return out
}

func syscallsOf(s *serverData) *float64 {
	if s == nil || !s.usable() {
		return nil
	}
	return s.perRequest().syscallTotal()
}

func allocsOf(s *serverData) *float64 {
	if s == nil || !s.usable() {
		return nil
	}
	return s.perRequest().allocs
}

func nameOf(s *serverData) string {
	if s == nil {
		return "no previous stage"
	}
	return s.Name
}

// counterIn picks "NAME +N" out of a diagnosis's evidence.
func counterIn(evidence, name string) string {
	i := strings.Index(evidence, name+" +")
	if i < 0 {
		return name
	}
	rest := evidence[i:]
	if j := strings.IndexAny(rest, ",;"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
