package reports

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"latencylab/harness/rundir"
	"latencylab/reports/chart"
	"latencylab/reports/htmlpage"
)

// ReportFile is the report's markdown, inside RUN_DIR/report/.
const ReportFile = "REPORT.md"

// Options are the knobs of Report and Compare.
type Options struct {
	Logger *slog.Logger // nil: silent
	// Noise is the A/A noise floor per metric (NoiseFloor), for Compare:
	// a difference under it is reported as within noise.
	Noise map[string]float64
	// NoFlames leaves the flame graphs and profile diffs out of a report;
	// the profiles stay in the run directory.
	NoFlames bool
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Output says what a report wrote.
type Output struct {
	Dir      string   // RUN_DIR/report
	Markdown string   // the REPORT.md path
	Page     string   // the index.html path: the same document, for a browser
	Files    []string // every file written, relative to Dir
	Notes    []string // pieces that could not be made, also shown in REPORT.md
}

// Report renders RUN_DIR/report/ from the run directory alone: REPORT.md
// and its page index.html, the charts (.png and .svg), flame/ and diff/. Only an unreadable
// run.json or an unwritable report folder is an error.
func Report(runDir string, opt Options) (*Output, error) {
	log := opt.logger()
	rd, err := loadRun(runDir)
	if err != nil {
		return nil, err
	}
	o := &Output{Dir: filepath.Join(runDir, rundir.ReportDir)}
	if err := clearReport(o.Dir); err != nil {
		return nil, err
	}
	charts := o.saveFigures(reportFigures(rd), log)
	var flames []flameLink
	var diffs profileDiffs
	if opt.NoFlames {
		o.Notes = append(o.Notes, "flame graphs and profile diffs left out (lab report --no-flames): the profiles are in the run directory; lab report without the flag renders them")
	} else {
		var notes []string
		flames, notes = renderFlames(rd, o.Dir, log)
		o.Notes = append(o.Notes, notes...)
		diffs = renderDiffs(rd, o.Dir, log)
	}
	for _, f := range flames {
		o.Files = append(o.Files, f.href)
	}
	o.Files = append(o.Files, diffs.files()...)
	doc := reportMarkdown(rd, charts, flames, diffs, o.Notes)
	o.Markdown = filepath.Join(o.Dir, ReportFile)
	if err := os.WriteFile(o.Markdown, []byte(doc), 0o644); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	o.Files = append(o.Files, ReportFile)
	if o.Page, err = writePage(o.Dir, "latencylab report — "+rd.run.Scenario.Name, doc); err != nil {
		return nil, err
	}
	o.Files = append(o.Files, htmlpage.FileName)
	log.Info("report written", "dir", o.Dir, "files", len(o.Files), "notes", len(o.Notes))
	return o, nil
}

// writePage renders a document's Markdown as dir/index.html.
func writePage(dir, title, doc string) (string, error) {
	b, err := htmlpage.Render(title, []byte(doc))
	if err != nil {
		return "", fmt.Errorf("reports: %w", err)
	}
	path := filepath.Join(dir, htmlpage.FileName)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("reports: %w", err)
	}
	return path, nil
}

// clearReport removes what an earlier rendering wrote (but not compare
// outputs that may live beside it) and makes the folders.
func clearReport(dir string) error {
	return prepareOut(dir, []string{"*.png", "*.svg", ReportFile, htmlpage.FileName}, flameDir, diffDir)
}

// prepareOut readies an output folder, which may come from someone else
// (a run directory from a tarball): it must be a real folder, not a
// symbolic link; the files an earlier rendering wrote (the patterns) are
// removed, a link among them unlinked, never followed; the subfolders are
// made anew. Every file written after that is new, in folders the report
// made, so no planted link can redirect a write.
func prepareOut(dir string, patterns []string, subs ...string) error {
	if err := notLink(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	for _, sub := range subs {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil { // a link is removed, not followed
			return fmt.Errorf("reports: %w", err)
		}
	}
	for _, pat := range patterns {
		old, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("reports: %w", err)
			}
		}
	}
	return mkdirs(dir, subs...)
}

// notLink refuses a path that is a symbolic link.
func notLink(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("reports: %s is a symbolic link: refusing to write through it", path)
	}
	return nil
}

// reportChart is one chart of REPORT.md: what the report needs to show
// it, or to say why a run has none. Each chart is one file (chart_*.go)
// that declares its reportChart, plus its line in reportCharts.
type reportChart struct {
	title  string // names the chart in "No <title> chart: <absent>."
	intro  string // how to read it: the paragraph above the image
	absent string // why a run may have no such chart
	build  func(rd *runData) (chart.Figure, bool)
}

// reportCharts are REPORT.md's charts, in order.
var reportCharts = []reportChart{journeyChart, spectrumChart, timelineChart, throughputChart, countersChart, balanceChart, hockeyChart, capacityChart, soakChart}

// chartRef is a chart that made it to disk, or the note saying why not.
type chartRef struct {
	name, alt, intro, note string
}

// plannedFigure is a chart the report wants, built or not.
type plannedFigure struct {
	spec reportChart
	fig  chart.Figure
	ok   bool
}

func reportFigures(rd *runData) []plannedFigure {
	var out []plannedFigure
	for _, rc := range reportCharts {
		fig, ok := rc.build(rd)
		out = append(out, plannedFigure{spec: rc, fig: fig, ok: ok})
	}
	return out
}

// runSpectra is one spectrum per server with .hlog data; references are
// dashed so the ladder stands out.
func runSpectra(rd *runData) []spectrumSeries {
	var out []spectrumSeries
	for _, s := range rd.servers {
		if s.hist != nil && !s.Failed {
			out = append(out, spectrumSeries{label: s.Name, pts: spectrum(s.hist), dashed: s.Kind == rundir.KindReference, color: len(out)})
		}
	}
	return out
}

func (o *Output) saveFigures(planned []plannedFigure, log *slog.Logger) []chartRef {
	var refs []chartRef
	for _, pf := range planned {
		if !pf.ok {
			refs = append(refs, chartRef{note: fmt.Sprintf("No %s chart: %s.", pf.spec.title, pf.spec.absent)})
			continue
		}
		start := time.Now()
		names, err := pf.fig.Save(o.Dir)
		o.Files = append(o.Files, names...)
		if err != nil {
			o.Notes = append(o.Notes, err.Error())
			refs = append(refs, chartRef{note: fmt.Sprintf("No %s chart: %v.", pf.spec.title, err)})
			continue
		}
		log.Debug("chart", "name", pf.fig.Name, "took", time.Since(start))
		refs = append(refs, chartRef{name: pf.fig.Name, alt: pf.fig.Alt, intro: pf.spec.intro})
	}
	return refs
}
