package profiles

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/google/pprof/profile"
	"gonum.org/v1/gonum/stat/distuv"
)

// Change is one function's value in the base and the new profile, for the
// sample type a DiffTable is about, and the samples behind each value.
type Change struct {
	Func     string
	BaseFlat int64 // value with the function on top of the stack
	NewFlat  int64
	BaseCum  int64 // value with the function anywhere on the stack
	NewCum   int64
	// The samples that make those values, where the profile counts them
	// (a "samples" sample type: CPU, wall and system profiles).
	BaseFlatN, NewFlatN, BaseCumN, NewCumN int64
}

// DeltaFlat and DeltaCum are new minus base.
func (c Change) DeltaFlat() int64 { return c.NewFlat - c.BaseFlat }
func (c Change) DeltaCum() int64  { return c.NewCum - c.BaseCum }

// NoiseLevel is the chance that a diff table marks any row beyond the
// noise when both profiles come from the same program: a familywise 5%.
//
// A function seen in k of a window's samples would be seen in about
// k ± √k in another window of the same program (the samples fall like a
// Poisson count), so the difference of two windows has a standard error
// of √(k_base + k_new). A table shows the top movers out of every
// function in the profiles, hundreds of them, so the bar is raised for
// that many comparisons (Bonferroni): noiseZ standard errors.
const NoiseLevel = 0.05

// noiseZ is the bar for m functions compared.
func noiseZ(m int) float64 {
	return distuv.UnitNormal.Quantile(1 - NoiseLevel/(2*float64(max(m, 1))))
}

// BeyondNoise reports whether a row's change, flat or cumulative, is
// larger than the sampling noise of the two windows' counts.
func (t DiffTable) BeyondNoise(c Change) bool {
	return beyond(c.BaseFlatN, c.NewFlatN, t.Z) || beyond(c.BaseCumN, c.NewCumN, t.Z)
}

// counts says the sample counts a row's noise verdict rests on.
func (c Change) counts() string {
	return fmt.Sprintf("(samples: flat %d → %d, cum %d → %d)", c.BaseFlatN, c.NewFlatN, c.BaseCumN, c.NewCumN)
}

func beyond(a, b int64, z float64) bool {
	d := float64(b - a)
	return d*d > z*z*float64(a+b)
}

// DiffTable lists the functions whose value changed most between the base
// and the new profile of a diff.
type DiffTable struct {
	SampleType string // e.g. "cpu"
	Unit       string // e.g. "nanoseconds"
	BaseTotal  int64
	NewTotal   int64
	Rows       []Change // by |DeltaFlat| descending, then |DeltaCum|
	// Counted: the profile counts its samples, so each row can say
	// whether it moved beyond the sampling noise (BeyondNoise), with Z
	// standard errors as the bar for the Functions compared.
	Counted   bool
	Functions int
	Z         float64
}

// AnyBeyondNoise reports whether some row moved beyond the noise.
func (t DiffTable) AnyBeyondNoise() bool {
	return slices.ContainsFunc(t.Rows, t.BeyondNoise)
}

// TopChanges tabulates a profile made by Diff: samples labelled as diff
// base count (negated back) for the base, the others for the new
// profile. It reads the default sample type, as pprof would show it.
func TopChanges(diff *profile.Profile, n int) DiffTable {
	idx, si := defaultIndex(diff), samplesIndex(diff)
	t := DiffTable{SampleType: diff.SampleType[idx].Type, Unit: diff.SampleType[idx].Unit, Counted: si >= 0}
	byFunc := map[string]*Change{}
	get := func(name string) *Change {
		if byFunc[name] == nil {
			byFunc[name] = &Change{Func: name}
		}
		return byFunc[name]
	}
	for _, s := range diff.Sample {
		v, base := s.Value[idx], s.DiffBaseSample()
		var k int64
		if si >= 0 {
			k = s.Value[si]
		}
		if base {
			v, k = -v, -k
		}
		t.addTotal(v, base)
		frames := stackFuncs(s)
		if len(frames) == 0 {
			continue
		}
		addTo(get(frames[0]), v, k, base, true)
		for _, f := range dedupe(frames) {
			addTo(get(f), v, k, base, false)
		}
	}
	t.Rows = topRows(byFunc, n)
	t.Functions = len(byFunc)
	t.Z = noiseZ(t.Functions)
	return t
}

func (t *DiffTable) addTotal(v int64, base bool) {
	if base {
		t.BaseTotal += v
	} else {
		t.NewTotal += v
	}
}

func addTo(c *Change, v, k int64, base, flat bool) {
	switch {
	case flat && base:
		c.BaseFlat, c.BaseFlatN = c.BaseFlat+v, c.BaseFlatN+k
	case flat:
		c.NewFlat, c.NewFlatN = c.NewFlat+v, c.NewFlatN+k
	case base:
		c.BaseCum, c.BaseCumN = c.BaseCum+v, c.BaseCumN+k
	default:
		c.NewCum, c.NewCumN = c.NewCum+v, c.NewCumN+k
	}
}

// samplesIndex is the profile's sample count column ("samples", count),
// or -1.
func samplesIndex(p *profile.Profile) int {
	for i, st := range p.SampleType {
		if st.Type == "samples" && st.Unit == "count" {
			return i
		}
	}
	return -1
}

// topRows keeps the n functions that moved most; ties are broken by name
// so that the table is the same from run to run.
func topRows(byFunc map[string]*Change, n int) []Change {
	rows := make([]Change, 0, len(byFunc))
	for _, c := range byFunc {
		if c.DeltaFlat() != 0 || c.DeltaCum() != 0 {
			rows = append(rows, *c)
		}
	}
	slices.SortFunc(rows, func(a, b Change) int {
		return cmp.Or(
			cmp.Compare(abs(b.DeltaFlat()), abs(a.DeltaFlat())),
			cmp.Compare(abs(b.DeltaCum()), abs(a.DeltaCum())),
			cmp.Compare(a.Func, b.Func))
	})
	return rows[:min(n, len(rows))]
}

// stackFuncs lists the function names of a sample, leaf first, inlined
// frames included (Location.Line is innermost first).
func stackFuncs(s *profile.Sample) []string {
	var names []string
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if ln.Function != nil {
				names = append(names, ln.Function.Name)
			}
		}
	}
	return names
}

// dedupe keeps the first occurrence of each name, so recursion counts a
// sample once towards a function's cumulative value, as pprof does.
func dedupe(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// defaultIndex picks the sample type pprof shows by default: the
// profile's declared default, else the last one.
func defaultIndex(p *profile.Profile) int {
	for i, st := range p.SampleType {
		if st.Type == p.DefaultSampleType {
			return i
		}
	}
	return len(p.SampleType) - 1
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
