package reports

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"latencylab/harness/rundir"
	"latencylab/reports/chart"
)

func TestReportWritesEveryArtifact(t *testing.T) {
	t.Parallel()
	out := fixtureReport(t)
	if len(out.Notes) > 0 {
		t.Errorf("notes on a complete run: %v", out.Notes)
	}
	wantSize := map[string][2]vg.Length{
		"journey": {chart.Width, chart.Height}, "spectrum": {chart.Width, chart.Height}, "throughput": {chart.Width, chart.Height}, "counters": {chart.Width, chart.Height},
	}
	w, h := timelineSize(4) // naive, keepalive, rawsyscall, nginx
	wantSize["timeline"] = [2]vg.Length{w, h}
	for name, size := range wantSize {
		checkPNG(t, filepath.Join(out.Dir, name+".png"), chart.Pixels(size[0]), chart.Pixels(size[1]))
		checkSVG(t, filepath.Join(out.Dir, name+".svg"))
	}
	for _, f := range []string{"flame/naive-cpu.html", "flame/naive-wall.html", "flame/keepalive-cpu.html",
		"flame/keepalive-wall.html", "diff/naive-to-keepalive.pb.gz", "diff/naive-to-keepalive.html"} {
		mustExist(t, filepath.Join(out.Dir, f))
	}
	doc := readFile(t, out.Markdown)
	checkLinks(t, out.Dir, doc)
	for _, want := range []string{"## The ladder", "## Reference servers", "| nginx |",
		"first version: 119 ms average (seed 004)", "Top CPU profile changes (naive → keepalive",
		"| function |", "syscalls per request", "CPU µs/req", "## Warnings"} {
		if !strings.Contains(doc, want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
}

func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	if b := decodePNG(t, path).Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s is %dx%d, want %dx%d", filepath.Base(path), b.Dx(), b.Dy(), w, h)
	}
}

func checkSVG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var root string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q", path, root)
	}
}

// mdLink matches the target of a markdown link or image.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// checkLinks fails for any relative link that does not name a file.
func checkLinks(t *testing.T, dir, doc string) {
	t.Helper()
	links := mdLink.FindAllStringSubmatch(doc, -1)
	if len(links) == 0 {
		t.Fatal("no links")
	}
	for _, l := range links {
		target := l[1]
		if strings.Contains(target, "://") || filepath.IsAbs(target) {
			t.Errorf("link %q is not relative", target)
			continue
		}
		mustExist(t, filepath.Join(dir, target))
	}
}

func mustExist(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	if fi.Size() == 0 {
		t.Errorf("%s is empty", path)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A run with pieces missing still reports, and says what is missing.
func TestReportSurvivesMissingPieces(t *testing.T) {
	t.Parallel()
	// Wait for the shared report of run A, so that the copy below does
	// not race with its files being written.
	fixtureReport(t)
	runA, _ := fixtures(t)
	dir := copyRun(t, runA, false)
	for _, f := range []string{rundir.CPUProfileFile, rundir.WallProfileFile, rundir.RoundHlog(1), rundir.RoundHlog(2), rundir.StatsAfterFile} {
		if err := os.Remove(filepath.Join(dir, "keepalive", f)); err != nil {
			t.Fatal(err)
		}
	}
	// An unreadable round must not sink the report either.
	if err := os.WriteFile(filepath.Join(dir, "naive", rundir.RoundJSON(2)), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Report(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := readFile(t, out.Markdown)
	checkLinks(t, out.Dir, doc)
	for _, want := range []string{"no CPU profile", "round 1 has no .hlog", "No CPU profile diff", "round 2 unreadable"} {
		if !strings.Contains(doc, want) {
			t.Errorf("REPORT.md lacks note %q", want)
		}
	}
}

// A run where every server failed renders notes, not charts.
func TestReportAllFailed(t *testing.T) {
	dir := t.TempDir()
	run := &rundir.Run{Version: 1, Scenario: rundir.Scenario{Name: "ladder", Rounds: 3}, Servers: []rundir.ServerSummary{
		{Name: "naive", Kind: rundir.KindStage, Failed: true, FailReason: "exit status 1"},
		{Name: "nginx", Kind: rundir.KindReference, Failed: true, FailReason: "not installed"},
	}}
	if err := run.Write(dir); err != nil {
		t.Fatal(err)
	}
	out, err := Report(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := readFile(t, out.Markdown)
	for _, want := range []string{"failed: exit status 1", "No journey chart", "No flame graphs"} {
		if !strings.Contains(doc, want) && !strings.Contains(doc, strings.ToLower(want)) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
}

func TestReportNeedsRunJSON(t *testing.T) {
	if _, err := Report(t.TempDir(), Options{}); err == nil {
		t.Fatal("a directory without run.json must be an error")
	}
}

// copyRun copies a run directory so a test can damage it, with or
// without its report.
func copyRun(t *testing.T, src string, withReport bool) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if withReport {
		return dst
	}
	if err := os.RemoveAll(filepath.Join(dst, rundir.ReportDir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// --no-flames: no flame graph or diff page is written, the report says
// so, and every link it keeps exists.
func TestReportWithoutFlames(t *testing.T) {
	t.Parallel()
	fixtureReport(t)
	runA, _ := fixtures(t)
	dir := copyRun(t, runA, false)
	out, err := Report(dir, Options{NoFlames: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{flameDir, diffDir} {
		if ents, _ := os.ReadDir(filepath.Join(out.Dir, sub)); len(ents) > 0 {
			t.Errorf("%s/ has %d files with --no-flames", sub, len(ents))
		}
	}
	doc := readFile(t, out.Markdown)
	checkLinks(t, out.Dir, doc)
	if !strings.Contains(doc, "lab report --no-flames") {
		t.Error("REPORT.md does not say the flame graphs were left out")
	}
}

// A run directory from someone else may hold links where the report
// writes: a report folder that is a link is refused, and a link planted
// where a file will be written is removed, not followed.
func TestReportWritesThroughNoLink(t *testing.T) {
	victim := t.TempDir()
	keep := filepath.Join(victim, "keep.png")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	linked := goldenRun(t, "aa")
	if err := os.Symlink(victim, filepath.Join(linked, rundir.ReportDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Report(linked, Options{NoFlames: true}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("report through a linked report folder: %v", err)
	}
	planted := goldenRun(t, "aa")
	if err := os.MkdirAll(filepath.Join(planted, rundir.ReportDir), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(victim, "index")
	if err := os.Symlink(target, filepath.Join(planted, rundir.ReportDir, "index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := Report(planted, Options{NoFlames: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("the report wrote through a planted link")
	}
	if b, _ := os.ReadFile(keep); string(b) != "mine" {
		t.Error("a file outside the run was changed")
	}
}
