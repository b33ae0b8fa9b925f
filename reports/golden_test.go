package reports

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

// goldenCase is what the report of one golden run must show: its
// sections, the charts it draws and the ones it says it cannot, and, for
// every server, a figure taken from run.json as the report formats it.
type goldenCase struct {
	run      string
	sections []string
	charts   []string // drawn: <name>.png decodes
	absent   []string // "No <title> chart: …" sentences
	figure   func(s rundir.ServerSummary) string
	also     []string // further text the report must hold
}

var goldenCases = []goldenCase{
	{run: "ladder-b", sections: []string{"Environment and scenario", "Run notes", "Warnings", "The ladder", "Reference servers",
		"Why the tail", "Charts", "Step by step: the seed's claims against the measurements", "Where the CPU goes, the kernel included",
		"Flame graphs", "Other warnings", "Report notes"},
		charts: []string{"journey", "spectrum", "timeline", "throughput", "counters"},
		absent: []string{"No balance chart", "No capacity at SLO chart", "No soak chart"},
		figure: func(s rundir.ServerSummary) string { return fmtEst(s.Latency["p99"], fmtNS) },
		also:   []string{"naive → keepalive", "queueing"}},
	{run: "sweep", sections: []string{"Capacity at SLO", "Charts"},
		charts: []string{"hockey", "capacity"}, absent: []string{"No balance chart", "No soak chart"},
		figure: func(s rundir.ServerSummary) string { return fmtRate(s.CapacityAtSLO.Center) }},
	{run: "balance", sections: []string{"Balance across reactors"}, charts: []string{"balance"},
		figure: func(s rundir.ServerSummary) string { return fmt.Sprintf("%.2f", s.Imbalance.Center) }},
	{run: "pathologies", sections: []string{"Why the tail", "Variants"}, charts: []string{"spectrum", "timeline"},
		figure: func(s rundir.ServerSummary) string {
			if len(s.Diagnoses) == 0 {
				return s.Name // named among the clean servers
			}
			return "**" + s.Diagnoses[0].ID + "**"
		},
		also: []string{"No diagnosis (no known cause left both its signature and its evidence): rawsyscall"}},
	{run: "aa", sections: []string{"Noise floor (A/A)"},
		figure: func(s rundir.ServerSummary) string { return fmtRate(s.Throughput.Center) }},
	{run: "soak", sections: []string{"Soak"}, charts: []string{"soak"},
		figure: func(s rundir.ServerSummary) string { return fmt.Sprintf("%.1f MiB", s.Soak.RSS.First/(1<<20)) },
		also:   []string{"**passed**"}},
}

// Every section of REPORT.md, on real runs of every scenario.
func TestGoldenReports(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.run, func(t *testing.T) {
			t.Parallel()
			dir := goldenRun(t, c.run)
			out, err := Report(dir, Options{NoFlames: true})
			if err != nil {
				t.Fatal(err)
			}
			doc := readFile(t, out.Markdown)
			checkLinks(t, out.Dir, doc)
			checkPage(t, out.Dir)
			for _, h := range c.sections {
				if !strings.Contains(doc, "\n## "+h+"\n") {
					t.Errorf("no section %q", h)
				}
			}
			for _, name := range c.charts {
				decodePNG(t, filepath.Join(out.Dir, name+".png"))
				checkSVG(t, filepath.Join(out.Dir, name+".svg"))
			}
			for _, s := range c.absent {
				if !strings.Contains(doc, s) {
					t.Errorf("the report does not say %q", s)
				}
			}
			run, err := rundir.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range run.Servers {
				if f := c.figure(s); !strings.Contains(doc, f) {
					t.Errorf("%s: %q (from run.json) is not in the report", s.Name, f)
				}
			}
			for _, s := range c.also {
				if !strings.Contains(doc, s) {
					t.Errorf("the report lacks %q", s)
				}
			}
		})
	}
}

// The golden runs are what the bench writes today: each reads.
func TestGoldenRunsRead(t *testing.T) {
	for _, c := range goldenCases {
		if _, err := rundir.Read(filepath.Join(goldenDir, c.run)); err != nil {
			t.Errorf("%s: %v", c.run, err)
		}
	}
}
