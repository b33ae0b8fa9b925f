package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Target is one side of a comparison: a run directory and optionally
// one server in it.
type Target struct {
	Dir    string
	Server string // "": every server present on both sides
}

// ParseTarget reads RUN_DIR[:SERVER]. A colon that is part of an
// existing path, or followed by a path separator, belongs to the path.
func ParseTarget(arg string) Target {
	i := strings.LastIndex(arg, ":")
	if i < 0 || strings.ContainsAny(arg[i+1:], `/\`) {
		return Target{Dir: arg}
	}
	if _, err := os.Stat(arg); err == nil {
		return Target{Dir: arg}
	}
	return Target{Dir: arg[:i], Server: arg[i+1:]}
}

func (t Target) String() string {
	if t.Server == "" {
		return t.Dir
	}
	return t.Dir + ":" + t.Server
}

// DefaultCompareDir is where Compare writes when not told:
// RUN_B/report/compare-<basename of RUN_A>[-<server A>-vs-<server B>];
// beside lab load results B (in their folder, or the folder of a file)
// compare-<A>-vs-<B>.
func DefaultCompareDir(a, b Target) string {
	base := func(p string) string { return fileSafe(strings.TrimSuffix(filepath.Base(filepath.Clean(p)), ".json")) }
	if isLoadResults(b.Dir) {
		parent := b.Dir
		if fi, err := os.Stat(b.Dir); err == nil && !fi.IsDir() {
			parent = filepath.Dir(b.Dir)
		}
		return filepath.Join(parent, "compare-"+base(a.Dir)+"-vs-"+base(b.Dir))
	}
	name := "compare-" + base(a.Dir)
	if a.Server != "" || b.Server != "" {
		sa, sb := pairNames(a, b)
		name += fmt.Sprintf("-%s-vs-%s", fileSafe(sa), fileSafe(sb))
	}
	return filepath.Join(b.Dir, "report", name)
}

// pairNames fills in a missing server from the other side: A:naive
// against B means naive in both.
func pairNames(a, b Target) (string, string) {
	sa, sb := a.Server, b.Server
	if sa == "" {
		sa = sb
	}
	if sb == "" {
		sb = sa
	}
	return sa, sb
}
