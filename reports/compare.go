package reports

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"latencylab/harness/rundir"
	"latencylab/profiles"
	"latencylab/reports/htmlpage"
)

// CompareFile is the comparison's markdown, inside its output folder.
const CompareFile = "COMPARE.md"

// CompareOutput says what a comparison wrote.
type CompareOutput struct {
	Dir      string
	Markdown string   // the document, also written to Dir/COMPARE.md
	Page     string   // Dir/index.html: the same document, for a browser
	Files    []string // relative to Dir
}

// pairCmp is one server of A against one server of B.
type pairCmp struct {
	a, b     *serverData
	la, lb   string // labels: run base name and server
	metrics  []metricResult
	note     string // why there are no metrics
	diff     *profiles.DiffFiles
	diffNote string
}

// Compare answers "did my change help, and why" for RUN_A[:SERVER]
// against RUN_B[:SERVER]: a table of per-round metrics with medians,
// intervals and Mann-Whitney U verdicts, an overlaid spectrum chart, and
// a CPU profile diff per pair. out "" means DefaultCompareDir.
func Compare(a, b Target, out string, opt Options) (*CompareOutput, error) {
	log := opt.logger()
	ra, err := loadSide(a)
	if err != nil {
		return nil, err
	}
	rb, err := loadSide(b)
	if err != nil {
		return nil, err
	}
	pairs, err := comparePairs(a, b, ra, rb)
	if err != nil {
		return nil, err
	}
	applyFloor(pairs, opt.Noise)
	if out == "" {
		out = DefaultCompareDir(a, b)
		// RUN_B/report, which a run from elsewhere may have made a link.
		if err := notLink(filepath.Dir(out)); err != nil {
			return nil, err
		}
	}
	if err := prepareOut(out, []string{"*.png", "*.svg", CompareFile, htmlpage.FileName}, diffDir); err != nil {
		return nil, err
	}
	co := &CompareOutput{Dir: out}
	chart := co.compareChart(pairs)
	for i := range pairs {
		co.diffPair(&pairs[i], out, log)
	}
	co.Markdown = compareMarkdown(a, b, pairs, chart)
	if err := os.WriteFile(filepath.Join(out, CompareFile), []byte(co.Markdown), 0o644); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	co.Files = append(co.Files, CompareFile)
	page, err := writePage(out, "latencylab compare", co.Markdown)
	if err != nil {
		return nil, err
	}
	co.Page = page
	co.Files = append(co.Files, htmlpage.FileName)
	return co, nil
}

// loadSide reads one side: a run directory, or lab load results (a
// --json file, or a folder of them), which are a run of one server.
func loadSide(t Target) (*runData, error) {
	if isLoadResults(t.Dir) {
		if t.Server != "" && t.Server != LoadServer {
			return nil, fmt.Errorf("reports: %s is lab load results: no server %q in it", t.Dir, t.Server)
		}
		return loadResults(t.Dir)
	}
	return loadRun(t.Dir)
}

// comparePairs matches servers: the named ones, or every server present
// in both runs, in B's order.
func comparePairs(a, b Target, ra, rb *runData) ([]pairCmp, error) {
	var names [][2]string
	if a.Server != "" || b.Server != "" {
		sa, sb := pairNames(a, b)
		names = append(names, [2]string{sa, sb})
	} else {
		for _, s := range rb.servers {
			if ra.server(s.Name) != nil {
				names = append(names, [2]string{s.Name, s.Name})
			}
		}
	}
	var pairs []pairCmp
	for _, n := range names {
		sa, sb := ra.server(n[0]), rb.server(n[1])
		if sa == nil {
			return nil, fmt.Errorf("reports: no server %q in %s", n[0], a.Dir)
		}
		if sb == nil {
			return nil, fmt.Errorf("reports: no server %q in %s", n[1], b.Dir)
		}
		pairs = append(pairs, newPair(sa, sb, runLabel(a.Dir), runLabel(b.Dir)))
	}
	if len(pairs) == 0 {
		return nil, errors.New("reports: the two runs have no server in common")
	}
	return pairs, nil
}

func newPair(sa, sb *serverData, runA, runB string) pairCmp {
	p := pairCmp{a: sa, b: sb, la: runA + ":" + sa.Name, lb: runB + ":" + sb.Name}
	if runA == runB {
		p.la, p.lb = sa.Name, sb.Name
	}
	if ca, cb := sa.CapacityAtSLO, sb.CapacityAtSLO; ca != nil && cb != nil {
		p.metrics = append(p.metrics, compareValues(capacityMetric, ca.Rounds, cb.Rounds))
	}
	if len(sa.rounds) == 0 || len(sb.rounds) == 0 {
		if len(p.metrics) == 0 {
			p.note = "no round results on one side"
		}
		return p
	}
	for _, m := range roundMetrics {
		p.metrics = append(p.metrics, compareMetric(m, sa.rounds, sb.rounds))
	}
	return p
}

func runLabel(dir string) string { return filepath.Base(filepath.Clean(dir)) }

// compareChart overlays the spectra: one color per pair, A dashed.
func (co *CompareOutput) compareChart(pairs []pairCmp) chartRef {
	var series []spectrumSeries
	for i, p := range pairs {
		for _, side := range []struct {
			s      *serverData
			label  string
			dashed bool
		}{{p.a, p.la + " (A)", true}, {p.b, p.lb + " (B)", false}} {
			if side.s.hist != nil {
				series = append(series, spectrumSeries{label: side.label, pts: spectrum(side.s.hist), dashed: side.dashed, color: i})
			}
		}
	}
	fig, ok := spectrumFigure("spectrum", "Latency percentile spectrum: A dashed, B solid", series, nil)
	if !ok {
		return chartRef{note: "No spectrum chart: no .hlog data on either side."}
	}
	names, err := fig.Save(co.Dir)
	co.Files = append(co.Files, names...)
	if err != nil {
		return chartRef{note: fmt.Sprintf("No spectrum chart: %v.", err)}
	}
	return chartRef{name: fig.Name, alt: fig.Alt}
}

// diffPair diffs the CPU profiles of a pair when both sides have one.
func (co *CompareOutput) diffPair(p *pairCmp, out string, log *slog.Logger) {
	if !p.a.profiles[rundir.CPUProfileFile] || !p.b.profiles[rundir.CPUProfileFile] {
		p.diffNote = "no CPU profile on both sides"
		return
	}
	base := fileSafe(p.a.Name) + "-vs-" + fileSafe(p.b.Name)
	res, err := profiles.WriteDiff(
		filepath.Join(p.a.dir, rundir.CPUProfileFile), filepath.Join(p.b.dir, rundir.CPUProfileFile),
		filepath.Join(out, diffDir, base), p.la+" → "+p.lb, diffTopN, log)
	if err != nil {
		p.diffNote = fmt.Sprintf("profile diff failed: %v", err)
		return
	}
	rel := func(path string) string { r, _ := filepath.Rel(out, path); return filepath.ToSlash(r) }
	res.Profile, res.HTML = rel(res.Profile), rel(res.HTML)
	p.diff = res
	co.Files = append(co.Files, res.Profile, res.HTML)
}
