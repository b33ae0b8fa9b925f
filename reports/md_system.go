package reports

import (
	"fmt"

	"latencylab/reports/markdown"
)

// systemIntro explains the system-profile table.
const systemIntro = "Where each server's CPU time goes, the kernel included: a `perf record -g` " +
	"(software cpu-clock event) of the server's process over its own load window of the profiling pass, " +
	"converted to pprof (`sys.pb.gz`). Each sample is classed by its innermost frame: **kernel** " +
	"(syscalls, the TCP stack, scheduling), **Go runtime** (packages runtime, internal/runtime/…, syscall), **user** " +
	"(the server's own code and its libraries, libc included). _Kernel for the runtime_ is the part of the " +
	"kernel time that the Go runtime asked for itself (sysmon's sleeps, futex waits and wakes, memory " +
	"mapping) rather than the server's reads, writes and epoll calls: the runtime tax beyond its own frames."

// writeSystem is the CPU split per server and the system-profile diffs of
// the best stage against each reference.
func writeSystem(m *markdown.Doc, rd *runData, flames []flameLink, refs []stepDiff) {
	m.H2("Where the CPU goes, the kernel included")
	var rows [][]string
	for _, s := range rd.servers {
		if s.split == nil {
			continue
		}
		sp := s.split
		rows = append(rows, []string{s.Name, fmtPct(sp.Kernel), fmtPct(sp.KernelForRuntime), fmtPct(sp.Runtime),
			fmtPct(sp.User), fmt.Sprint(sp.Samples), fmtPtr(s.perRequest().cpuUS, fmtNum), orDash(flameHref(flames, s.Name, "sys"))})
	}
	if len(rows) == 0 {
		m.Para("_No system profiles in this run (perf absent or not allowed to record: see the run notes)._")
		return
	}
	m.Para("%s", systemIntro)
	m.Table([]string{"server", "kernel", "kernel for the runtime", "Go runtime", "user", "samples", "CPU µs/req", "flame graph"},
		"lrrrrrrl", rows)
	for _, d := range refs {
		writeStepDiff(m, d)
	}
}

// flameHref is the markdown link to one server's flame graph of a kind.
func flameHref(flames []flameLink, server, kind string) string {
	for _, f := range flames {
		if f.server == server && f.kind == kind {
			return fmt.Sprintf("[%s](%s)", kind, f.href)
		}
	}
	return ""
}

func fmtPct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
