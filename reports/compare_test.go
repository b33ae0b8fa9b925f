package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latencylab/reports/chart"
)

func TestCompareRuns(t *testing.T) {
	t.Parallel()
	runA, runB := fixtures(t)
	out, err := Compare(Target{Dir: runA}, Target{Dir: runB}, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(runB, "report", "compare-"+filepath.Base(runA)); out.Dir != want {
		t.Errorf("out dir %s, want %s", out.Dir, want)
	}
	checkPNG(t, filepath.Join(out.Dir, "spectrum.png"), chart.Pixels(chart.Width), chart.Pixels(chart.Height))
	checkSVG(t, filepath.Join(out.Dir, "spectrum.svg"))
	for _, f := range []string{"diff/naive-vs-naive.pb.gz", "diff/naive-vs-naive.html", "diff/keepalive-vs-keepalive.html", CompareFile} {
		mustExist(t, filepath.Join(out.Dir, f))
	}
	checkLinks(t, out.Dir, out.Markdown)
	checkPage(t, out.Dir)
	if readFile(t, filepath.Join(out.Dir, CompareFile)) != out.Markdown {
		t.Error("COMPARE.md differs from the returned markdown")
	}
	for _, want := range []string{"## Percentile spectrum", "## Statistical notes", "| metric | A | B | delta | test |", "| throughput |", "| latency p99 |",
		"n=2+6", "allocs/req", "Why — top CPU profile changes"} {
		if !strings.Contains(out.Markdown, want) {
			t.Errorf("compare output lacks %q", want)
		}
	}
	// A failed server present in both runs compares as "no results".
	if !strings.Contains(out.Markdown, "nginx") {
		t.Error("nginx pair missing")
	}
}

// Two servers of one run: the ladder step as a comparison.
func TestCompareServersOfOneRun(t *testing.T) {
	t.Parallel()
	_, runB := fixtures(t)
	out, err := Compare(Target{Dir: runB, Server: "naive"}, Target{Dir: runB, Server: "keepalive"}, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"naive → keepalive", "p=", "n=6"} {
		if !strings.Contains(out.Markdown, want) {
			t.Errorf("compare output lacks %q:\n%s", want, out.Markdown)
		}
	}
	mustExist(t, filepath.Join(out.Dir, "diff", "naive-vs-keepalive.html"))
	if _, err := Compare(Target{Dir: runB, Server: "nope"}, Target{Dir: runB}, t.TempDir(), Options{}); err == nil {
		t.Error("an unknown server must be an error")
	}
}

func TestParseTarget(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		arg  string
		want Target
	}{
		{"runs/x", Target{Dir: "runs/x"}},
		{"runs/x:naive", Target{Dir: "runs/x", Server: "naive"}},
		{"c:/runs/x", Target{Dir: "c:/runs/x"}},
		{dir, Target{Dir: dir}},
	} {
		if got := ParseTarget(c.arg); got != c.want {
			t.Errorf("ParseTarget(%q) = %+v, want %+v", c.arg, got, c.want)
		}
	}
	a, b := Target{Dir: "runs/a", Server: "naive"}, Target{Dir: "runs/b"}
	if got := DefaultCompareDir(a, b); got != filepath.Join("runs/b", "report", "compare-a-naive-vs-naive") {
		t.Errorf("DefaultCompareDir = %s", got)
	}
}

// A link planted in the comparison's folder is removed, not written
// through.
func TestCompareWritesThroughNoLink(t *testing.T) {
	a, b := goldenRun(t, "aa"), goldenRun(t, "aa")
	out := DefaultCompareDir(Target{Dir: a}, Target{Dir: b})
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(victim, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(out, CompareFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(Target{Dir: a}, Target{Dir: b}, "", Options{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "mine" {
		t.Errorf("the comparison wrote through a planted link: %q", b)
	}
}

// lab load results compare as runs of one server: a single result a
// side, or a folder of them (medians and the U test), spectrum included.
func TestCompareLoadResults(t *testing.T) {
	dir := t.TempDir()
	side := func(name string, rounds []int) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, k := range rounds {
			src := filepath.Join(goldenDir, "ladder-b", "rawsyscall")
			for _, ext := range []string{".json", ".hlog"} {
				b, err := os.ReadFile(filepath.Join(src, fmt.Sprintf("round-%d%s", k, ext)))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("r%d%s", k, ext)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		return d
	}
	a, b := side("before", []int{1, 2, 3}), side("after", []int{4, 5, 6})
	out, err := Compare(Target{Dir: a}, Target{Dir: b}, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(b, "compare-before-vs-after"); out.Dir != want {
		t.Errorf("out %s, want %s", out.Dir, want)
	}
	for _, want := range []string{"p=0.100 n=3", "| throughput |", "| latency p99 |", "## Percentile spectrum"} {
		if !strings.Contains(out.Markdown, want) {
			t.Errorf("compare of load results lacks %q:\n%s", want, out.Markdown)
		}
	}
	checkPNG(t, filepath.Join(out.Dir, "spectrum.png"), chart.Pixels(chart.Width), chart.Pixels(chart.Height))
	one, err := Compare(Target{Dir: filepath.Join(a, "r1.json")}, Target{Dir: filepath.Join(b, "r4.json")}, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(one.Markdown, "n=1") || one.Dir != filepath.Join(b, "compare-r1-vs-r4") {
		t.Errorf("one result a side: dir %s\n%s", one.Dir, one.Markdown)
	}
	if _, err := Compare(Target{Dir: a, Server: "naive"}, Target{Dir: b}, "", Options{}); err == nil {
		t.Error("a server named in lab load results was accepted")
	}
}
