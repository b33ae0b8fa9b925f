package profiles

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/google/pprof/profile"
)

// baseLabel marks the samples of a diff base, as pprof -diff_base does
// (internal/driver/fetch.go); pprof's reports and flame graph use it
// (Sample.DiffBaseSample) to compute percentages against the base.
const baseLabel = "pprof::base"

// Diff returns cur minus base with pprof -diff_base semantics: the base's
// samples are labelled pprof::base=true, scaled by -1 and merged with
// cur. Opening the result in pprof is the same as running
// `go tool pprof -diff_base=BASE CUR`. Neither input is modified.
func Diff(base, cur *profile.Profile) (*profile.Profile, error) {
	b, c := base.Copy(), cur.Copy()
	b.SetLabel(baseLabel, []string{"true"})
	// pprof makes sample types line up before merging (e.g. a CPU
	// profile against one with extra value columns); so do we.
	if err := profile.CompatibilizeSampleTypes([]*profile.Profile{c, b}); err != nil {
		return nil, fmt.Errorf("profiles: diff: %w", err)
	}
	b.Scale(-1)
	d, err := profile.Merge([]*profile.Profile{c, b})
	if err != nil {
		return nil, fmt.Errorf("profiles: diff: %w", err)
	}
	return d, nil
}

// DiffFiles is everything a diff produces.
type DiffFiles struct {
	Profile string    // the diff .pb.gz
	HTML    string    // its flame graph
	Table   DiffTable // the top changes
}

// WriteDiff diffs two profile files and writes out+".pb.gz" and
// out+".html"; topN bounds the table.
func WriteDiff(basePath, curPath, out, name string, topN int, logger *slog.Logger) (*DiffFiles, error) {
	base, err := ReadProfile(basePath)
	if err != nil {
		return nil, err
	}
	cur, err := ReadProfile(curPath)
	if err != nil {
		return nil, err
	}
	d, err := Diff(base, cur)
	if err != nil {
		return nil, err
	}
	res := &DiffFiles{Profile: out + ".pb.gz", HTML: out + ".html", Table: TopChanges(d, topN)}
	if err := writeProfile(d, res.Profile); err != nil {
		return nil, err
	}
	page, err := FlameGraphHTML(d, name, logger)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(res.HTML, page, 0o644); err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return res, nil
}

func writeProfile(p *profile.Profile, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("profiles: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	return nil
}
