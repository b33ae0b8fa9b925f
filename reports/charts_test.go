package reports

import (
	"testing"

	"latencylab/harness/rundir"
)

// Every chart of REPORT.md says how to read it and why a run may lack it:
// an empty intro would print an empty paragraph above the image.
func TestEveryChartIsDocumented(t *testing.T) {
	seen := map[string]bool{}
	for i, rc := range reportCharts {
		if rc.title == "" || rc.intro == "" || rc.absent == "" || rc.build == nil {
			t.Errorf("chart %d (%q): title, intro, absent and build are all required", i, rc.title)
		}
		if seen[rc.title] {
			t.Errorf("chart %q registered twice", rc.title)
		}
		seen[rc.title] = true
	}
}

// Each kind of server has its own colour in the kind-coloured charts.
func TestKindsHaveTheirOwnColour(t *testing.T) {
	seen := map[int]string{}
	for _, k := range []string{rundir.KindStage, rundir.KindVariant, rundir.KindReference, rundir.KindExternal} {
		if other, dup := seen[kindIndex(k)]; dup {
			t.Errorf("%s and %s share a colour", k, other)
		}
		seen[kindIndex(k)] = k
	}
}
