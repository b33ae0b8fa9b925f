package profiles

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/pprof"

	"github.com/google/pprof/profile"
)

// allocSnapshot reads the cumulative allocation profile. The runtime
// publishes allocation counts as of the last completed GC, so one is
// forced first; otherwise the window's tail would be missing (this is
// what net/http/pprof does for ?gc=1).
func allocSnapshot() (*profile.Profile, error) {
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup("allocs").WriteTo(&buf, 0); err != nil {
		return nil, fmt.Errorf("profiles: read allocs profile: %w", err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		return nil, fmt.Errorf("profiles: parse allocs profile: %w", err)
	}
	return p, nil
}

// AllocDelta returns end minus start: the allocations made between two
// cumulative allocation profiles. It mirrors net/http/pprof's delta
// profiles: start scaled by -1 and merged, so that stacks present in both
// cancel out (Merge drops the all-zero samples).
func AllocDelta(start, end *profile.Profile) (*profile.Profile, error) {
	base := start.Copy()
	base.Scale(-1)
	d, err := profile.Merge([]*profile.Profile{end, base})
	if err != nil {
		return nil, fmt.Errorf("profiles: allocation delta: %w", err)
	}
	// Merge cannot know which profile's clock to keep; the window is
	// what a reader wants to see.
	d.TimeNanos = end.TimeNanos
	d.DurationNanos = end.TimeNanos - start.TimeNanos
	return d, nil
}
