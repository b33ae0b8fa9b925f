package reports

import (
	"fmt"
	"strings"

	"latencylab/harness/rundir"
	"latencylab/reports/markdown"
)

// tailIntro explains the "Why the tail" section.
const tailIntro = "What the lab found behind each server's slow requests. A diagnosis needs two things: a signature in the " +
	"latency (a mode at a kernel timer, a climb through the trial, slow requests where the collector ran) and evidence from " +
	"elsewhere: the kernel's TCP counters read around every trial, the Go runtime's GC and scheduler samples (every 100 ms " +
	"through the control endpoint, in scenarios that turn the sampler on), or the generator's own lag. _Share_ is the part of the measured requests it explains. " +
	"The kernel counters cover the server's whole network namespace: on loopback the client's side counts too, and so would " +
	"any other traffic on the machine during the trial."

// writeTail is the "Why the tail" section: every server's diagnoses.
func writeTail(m *markdown.Doc, rd *runData) {
	m.H2("Why the tail")
	m.Para("%s", tailIntro)
	var rows [][]string
	var clean []string
	for _, s := range rd.servers {
		if s.Failed || s.Rounds == 0 {
			continue
		}
		if len(s.Diagnoses) == 0 {
			clean = append(clean, s.Name)
			continue
		}
		for _, d := range s.Diagnoses {
			rows = append(rows, []string{s.Name, "**" + d.ID + "**", fmt.Sprintf("%.1f%%", 100*d.Share), d.Evidence, d.Remedy})
		}
	}
	if len(rows) > 0 {
		m.Table([]string{"server", "diagnosis", "share", "evidence", "remedy"}, "llrll", rows)
	}
	if len(clean) > 0 {
		m.Para("No diagnosis (no known cause left both its signature and its evidence): %s.", strings.Join(clean, ", "))
	}
	writeSamplerCost(m, rd)
}

// writeSamplerCost says what the runtime sampler cost the servers.
func writeSamplerCost(m *markdown.Doc, rd *runData) {
	var worst float64
	var worstNS float64
	for _, s := range rd.servers {
		for _, tr := range s.runtime {
			if tr.CostShare > worst {
				worst, worstNS = tr.CostShare, tr.CostNS
			}
		}
	}
	if worst > 0 {
		m.Para("The runtime sampler's own cost: a read took at most %.1f µs in a server's control handler (wall time, so any wait for "+
			"the CPU its reactor held is included), which bounds its share at %.2f%% of the server's time at 10 reads a second.", worstNS/1e3, 100*worst)
	}
}

// diagnosisOf finds a server's diagnosis by id.
func diagnosisOf(s *serverData, id string) (rundir.Diagnosis, bool) {
	for _, d := range s.Diagnoses {
		if d.ID == id {
			return d, true
		}
	}
	return rundir.Diagnosis{}, false
}
