package bench

import (
	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// summarize turns a server's trials and counters into its run.json entry.
func summarize(t *target) rundir.ServerSummary {
	srv := runstats.Server{
		Name: t.def.name, Kind: t.def.kind, Summary: t.def.summary, Base: t.def.base,
		Failed: t.failed(), FailReason: t.failReason, Profiles: t.profiles,
		Warnings: t.warnings, Before: t.before, After: t.after, Imbalance: t.imbalance, Soak: t.soak,
	}
	for _, tr := range t.trials {
		srv.Trials = append(srv.Trials, tr.result)
	}
	if t.cpuOK {
		srv.CPU = &runstats.CPUSpan{Before: t.cpuBefore, After: t.cpuAfter}
	}
	return runstats.Summarize(srv)
}
