package profiles

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latencylab/harness/rundir"
)

func TestFlameGraphIsSelfContainedHTML(t *testing.T) {
	dir := capture(t, func() { burnHash(300 * time.Millisecond) })
	for _, name := range []string{rundir.CPUProfileFile, rundir.WallProfileFile} {
		out := filepath.Join(t.TempDir(), "flame.html")
		if err := WriteFlameGraph(filepath.Join(dir, name), out, "test-"+name, nil); err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := SelfContained(page); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<html", "stackViewer(", burnName, "<title>test-" + name} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("%s flame graph lacks %q", name, want)
			}
		}
	}
}

func TestSelfContainedRejectsExternal(t *testing.T) {
	for _, page := range []string{
		`<script src="x.js"></script>`,
		`<script></script><link rel="stylesheet" href="a.css">`,
		`<script></script><style>@import "b.css";</style>`,
		`<p>no script</p>`,
	} {
		if SelfContained([]byte(page)) == nil {
			t.Errorf("accepted %q", page)
		}
	}
}

func TestDiffMirrorsDiffBase(t *testing.T) {
	base := capture(t, func() { burnSleepy(300 * time.Millisecond) })
	cur := capture(t, func() { burnHash(300 * time.Millisecond) })
	out := filepath.Join(t.TempDir(), "a-to-b")
	res, err := WriteDiff(cpuPath(base), cpuPath(cur), out, "a-to-b", 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := mustRead(t, res.Profile)
	var nbase, ncur int
	for _, s := range d.Sample {
		if s.DiffBaseSample() {
			nbase++
			if s.Value[1] > 0 {
				t.Fatalf("base sample not negated: %v", s.Value)
			}
		} else {
			ncur++
		}
	}
	if nbase == 0 || ncur == 0 {
		t.Fatalf("diff has %d base and %d new samples", nbase, ncur)
	}
	checkTable(t, res.Table)
	// cur burns hashes all window long, base mostly sleeps.
	all := TopChanges(d, 1<<20)
	if c := findRow(all.Rows, burnName); c == nil || c.DeltaCum() <= 0 {
		t.Errorf("%s did not gain cum time: %+v", burnName, c)
	}
	page, err := os.ReadFile(res.HTML)
	if err != nil {
		t.Fatal(err)
	}
	if err := SelfContained(page); err != nil {
		t.Fatal(err)
	}
	pprofOpens(t, res.Profile)
}

func checkTable(t *testing.T, tab DiffTable) {
	t.Helper()
	if tab.Unit != "nanoseconds" || tab.BaseTotal <= 0 || tab.NewTotal <= 0 {
		t.Fatalf("table header: %+v", tab)
	}
	if len(tab.Rows) == 0 || len(tab.Rows) > 10 {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	for i, r := range tab.Rows {
		if i > 0 && abs(r.DeltaFlat()) > abs(tab.Rows[i-1].DeltaFlat()) {
			t.Fatalf("rows not ordered by |Δ flat|: %+v", tab.Rows)
		}
	}
	md := tab.Markdown()
	if !strings.Contains(md, "| function |") || !strings.Contains(md, "Δ flat") {
		t.Errorf("markdown:\n%s", md)
	}
}

func findRow(rows []Change, fn string) *Change {
	for i := range rows {
		if rows[i].Func == fn {
			return &rows[i]
		}
	}
	return nil
}

// pprofOpens checks the file with the real go tool pprof, when the
// toolchain is around (it is wherever these tests are built).
func pprofOpens(t *testing.T, path string) {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	out, err := exec.Command(gobin, "tool", "pprof", "-top", "-nodecount=3", path).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof %s: %v\n%s", path, err, out)
	}
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    int64
		unit string
		want string
	}{
		{1500000, "nanoseconds", "1.5ms"},
		{-2048, "bytes", "-2.0 KiB"},
		{7, "count", "7"},
		{3, "widgets", "3 widgets"},
	} {
		if got := FormatValue(c.v, c.unit); got != c.want {
			t.Errorf("FormatValue(%d, %s) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

// A diff row says whether it moved beyond the sampling noise: a change of
// many samples is, a change of a few against dozens is not, and the bar
// rises with the number of functions compared.
func TestDiffRowsMarkNoise(t *testing.T) {
	tab := DiffTable{Unit: "nanoseconds", Counted: true, Functions: 300, Z: noiseZ(300)}
	if tab.Z < 3.5 || tab.Z > 4.2 {
		t.Errorf("bar for 300 functions: %.2f standard errors", tab.Z)
	}
	for _, c := range []struct {
		ch     Change
		beyond bool
	}{
		{Change{BaseFlatN: 0, NewFlatN: 30, BaseCumN: 0, NewCumN: 30}, true},
		{Change{BaseFlatN: 100, NewFlatN: 104, BaseCumN: 200, NewCumN: 203}, false},
		{Change{BaseFlatN: 100, NewFlatN: 180, BaseCumN: 100, NewCumN: 180}, true},
		{Change{BaseFlatN: 4, NewFlatN: 18, BaseCumN: 5, NewCumN: 18}, false}, // 3 standard errors: one of hundreds
	} {
		if got := tab.BeyondNoise(c.ch); got != c.beyond {
			t.Errorf("%+v: beyond %v, want %v", c.ch, got, c.beyond)
		}
	}
	quiet := tab
	quiet.Rows = []Change{{Func: "f", BaseFlat: 10, NewFlat: 20, BaseFlatN: 1, NewFlatN: 2, BaseCumN: 1, NewCumN: 2}}
	if md := quiet.Markdown(); !strings.Contains(md, "No change beyond the sampling noise") || !strings.Contains(md, "within (samples") {
		t.Errorf("a table of noise does not say so:\n%s", md)
	}
	loud := tab
	loud.Rows = []Change{{Func: "f", BaseFlatN: 0, NewFlatN: 50, BaseCumN: 0, NewCumN: 50}}
	if md := loud.Markdown(); strings.Contains(md, "No change beyond") || !strings.Contains(md, "**beyond**") {
		t.Errorf("a real change is not marked:\n%s", md)
	}
}
