package reports

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

// The publishing script copies a real report and rewrites its links so
// that RESULTS.md works from the repository root.
func TestPublishResultsScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	t.Parallel()
	report := fixtureReport(t)
	runA, _ := fixtures(t)
	dir := copyRun(t, runA, false)
	script, err := filepath.Abs("../scripts/publish-results.sh")
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	publish := func() ([]byte, error) {
		cmd := exec.Command(bash, script, dir)
		cmd.Env = append(os.Environ(), "PUBLISH_DEST="+dest)
		return cmd.CombinedOutput()
	}
	// Without a report: a clear error, nothing published.
	if out, err := publish(); err == nil || !strings.Contains(string(out), "has no report") {
		t.Fatalf("publish without a report: %v\n%s", err, out)
	}
	// Now with the shared fixture's report in place.
	if err := os.CopyFS(filepath.Join(dir, rundir.ReportDir), os.DirFS(report.Dir)); err != nil {
		t.Fatal(err)
	}
	if out, err := publish(); err != nil {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	doc := readFile(t, filepath.Join(dest, "RESULTS.md"))
	run, err := rundir.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(doc, "\n", 3)
	if !strings.HasPrefix(first[0], "> Published ") || !strings.Contains(first[1], run.Env.Hostname) || !strings.Contains(first[1], run.Env.Kernel) {
		t.Errorf("stamp:\n%s\n%s", first[0], first[1])
	}
	checkLinks(t, dest, doc)
	if !strings.Contains(doc, "](results/journey.png)") {
		t.Error("chart links were not rewritten to results/")
	}
	// Another scenario's run, published beside it with its own report.
	other := filepath.Join(t.TempDir(), "20260101-000000-capacity")
	if err := os.CopyFS(other, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, script, dir, other)
	cmd.Env = append(os.Environ(), "PUBLISH_DEST="+dest)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("publish with another run: %v\n%s", err, out)
	}
	doc = readFile(t, filepath.Join(dest, "RESULTS.md"))
	checkLinks(t, dest, doc)
	if !strings.Contains(doc, "](results/capacity/report/REPORT.md)") || !rundir.Exists(dest, "results", "capacity", "run.json") {
		t.Errorf("the other run is not published:\n%s", doc[max(0, len(doc)-400):])
	}
}
