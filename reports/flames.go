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

// flameKinds are the profiles drawn as flame graphs.
var flameKinds = []struct{ kind, file string }{
	{"cpu", rundir.CPUProfileFile}, {"wall", rundir.WallProfileFile}, {"sys", rundir.SysProfileFile},
}

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
		for _, k := range flameKinds {
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

// stepDiff is the diff of one kind of profile between two servers: two
// consecutive stages, or the best stage and a reference server.
type stepDiff struct {
	from, to *serverData
	file     string // the profile diffed: rundir.CPUProfileFile or SysProfileFile
	pb, html string // relative to the report folder; "" when not made
	table    *profiles.DiffTable
	note     string // why there is no diff
}

// profileDiffs are every diff a report shows.
type profileDiffs struct {
	cpu, sys []stepDiff // consecutive stages, in run.json order
	sysRefs  []stepDiff // the last stage against each reference server
}

// files lists what the diffs wrote, relative to the report folder.
func (pd profileDiffs) files() []string {
	var out []string
	for _, ds := range [][]stepDiff{pd.cpu, pd.sys, pd.sysRefs} {
		for _, d := range ds {
			if d.table != nil {
				out = append(out, d.pb, d.html)
			}
		}
	}
	return out
}

// sysFor is the system-profile diff into stage name, if any.
func (pd profileDiffs) sysFor(name string) (stepDiff, bool) { return diffTo(pd.sys, name) }

// cpuFor is the CPU profile diff of the step to stage name, if made.
func (pd profileDiffs) cpuFor(name string) (stepDiff, bool) { return diffTo(pd.cpu, name) }

func diffTo(ds []stepDiff, name string) (stepDiff, bool) {
	for _, d := range ds {
		if d.to.Name == name {
			return d, true
		}
	}
	return stepDiff{}, false
}

// renderDiffs diffs the CPU and system profiles of each step of the
// ladder (a stage against the one it changes, stepFrom), and the last
// stage's system profile against each reference server's.
func renderDiffs(rd *runData, out string, log *slog.Logger) profileDiffs {
	stages := rd.stages()
	var pd profileDiffs
	for i := 1; i < len(stages); i++ {
		from := stepFrom(stages, i)
		pd.cpu = append(pd.cpu, diffStep(rd.dir, out, from, stages[i], rundir.CPUProfileFile, log))
		if from.profiles[rundir.SysProfileFile] && stages[i].profiles[rundir.SysProfileFile] {
			pd.sys = append(pd.sys, diffStep(rd.dir, out, from, stages[i], rundir.SysProfileFile, log))
		}
	}
	if len(stages) == 0 || !stages[len(stages)-1].profiles[rundir.SysProfileFile] {
		return pd
	}
	best := stages[len(stages)-1]
	for _, ref := range append(rd.references(), rd.externals()...) {
		if ref.profiles[rundir.SysProfileFile] {
			pd.sysRefs = append(pd.sysRefs, diffStep(rd.dir, out, ref, best, rundir.SysProfileFile, log))
		}
	}
	return pd
}

func diffStep(runDir, out string, a, b *serverData, file string, log *slog.Logger) stepDiff {
	d := stepDiff{from: a, to: b, file: file}
	for _, s := range []*serverData{a, b} {
		if !s.profiles[file] {
			d.note = "no " + profileWord(file) + " for " + s.Name
			return d
		}
	}
	base := fileSafe(a.Name) + "-to-" + fileSafe(b.Name)
	if file == rundir.SysProfileFile {
		base += "-sys"
	}
	res, err := profiles.WriteDiff(
		filepath.Join(runDir, a.Name, file),
		filepath.Join(runDir, b.Name, file),
		filepath.Join(out, diffDir, base), a.Name+" → "+b.Name+" ("+profileWord(file)+")", diffTopN, log)
	if err != nil {
		d.note = fmt.Sprintf("profile diff failed: %v", err)
		return d
	}
	d.pb, d.html = diffDir+"/"+base+".pb.gz", diffDir+"/"+base+".html"
	d.table = &res.Table
	return d
}

// profileWord names a profile file for a reader.
func profileWord(file string) string {
	if file == rundir.SysProfileFile {
		return "system profile"
	}
	return "CPU profile"
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
