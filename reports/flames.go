package reports

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"latencylab/harness/rundir"
	"latencylab/profiles"
)

// Folders of the report for flame graphs and profile diffs.
const (
	flameDir = "flame"
	diffDir  = "diff"
	diffTopN = 8
)

// flameLink is one rendered flame graph, relative to the report folder.
type flameLink struct {
	server, kind, href string
}

// renderFlames writes flame/<server>-cpu.html and -wall.html for every
// server with those profiles. Failures become notes.
func renderFlames(rd *runData, out string, log *slog.Logger) ([]flameLink, []string) {
	var links []flameLink
	var notes []string
	for _, s := range rd.servers {
		for _, k := range []struct{ kind, file string }{{"cpu", rundir.CPUProfileFile}, {"wall", rundir.WallProfileFile}} {
			if !s.profiles[k.file] {
				continue
			}
			rel := filepath.Join(flameDir, fileSafe(s.Name)+"-"+k.kind+".html")
			src := filepath.Join(rd.dir, s.Name, k.file)
			if err := profiles.WriteFlameGraph(src, filepath.Join(out, rel), s.Name+" "+k.kind, log); err != nil {
				notes = append(notes, fmt.Sprintf("%s %s flame graph: %v", s.Name, k.kind, err))
				continue
			}
			links = append(links, flameLink{s.Name, k.kind, filepath.ToSlash(rel)})
		}
	}
	return links, notes
}

// stepDiff is the CPU profile diff between two consecutive stages.
type stepDiff struct {
	from, to *serverData
	pb, html string // relative to the report folder; "" when not made
	table    *profiles.DiffTable
	note     string // why there is no diff
}

// renderDiffs diffs the CPU profiles of each pair of consecutive ladder
// stages, in run.json order.
func renderDiffs(rd *runData, out string, log *slog.Logger) []stepDiff {
	stages := rd.stages()
	var diffs []stepDiff
	for i := 1; i < len(stages); i++ {
		diffs = append(diffs, diffStep(rd.dir, out, stages[i-1], stages[i], log))
	}
	return diffs
}

func diffStep(runDir, out string, a, b *serverData, log *slog.Logger) stepDiff {
	d := stepDiff{from: a, to: b}
	for _, s := range []*serverData{a, b} {
		if !s.profiles[rundir.CPUProfileFile] {
			d.note = "no CPU profile for " + s.Name
			return d
		}
	}
	base := fileSafe(a.Name) + "-to-" + fileSafe(b.Name)
	res, err := profiles.WriteDiff(
		filepath.Join(runDir, a.Name, rundir.CPUProfileFile),
		filepath.Join(runDir, b.Name, rundir.CPUProfileFile),
		filepath.Join(out, diffDir, base), a.Name+" → "+b.Name, diffTopN, log)
	if err != nil {
		d.note = fmt.Sprintf("profile diff failed: %v", err)
		return d
	}
	d.pb, d.html = diffDir+"/"+base+".pb.gz", diffDir+"/"+base+".html"
	d.table = &res.Table
	return d
}

// mkdirs makes the report's subfolders.
func mkdirs(out string, subs ...string) error {
	for _, s := range subs {
		if err := os.MkdirAll(filepath.Join(out, s), 0o755); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}

// fileSafe keeps a server name usable as one path element.
func fileSafe(name string) string {
	return strings.NewReplacer("/", "_", `\`, "_", ":", "_", " ", "_").Replace(name)
}
