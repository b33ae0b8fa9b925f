package bench

import (
	"fmt"
	"path/filepath"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/diagnose"
	"latencylab/harness/rundir"
)

// diagnoses runs the tail rules over t's measured rounds.
func diagnoses(t *target) []rundir.Diagnosis {
	var ts []diagnose.Trial
	for _, tr := range t.trials {
		whole, ivs, err := readIntervals(filepath.Join(t.dir, rundir.RoundHlog(tr.round)))
		if err != nil {
			t.warn(fmt.Sprintf("round %d: diagnoses: %v", tr.round, err))
			continue
		}
		ts = append(ts, diagnose.Trial{Latency: whole, Intervals: ivs, Kernel: tr.result.Kernel,
			Runtime: t.runtime[tr.round].Samples, Result: tr.result})
	}
	return diagnose.Diagnose(ts)
}

// readIntervals reads a trial's interval log: the untagged intervals and
// their sum.
func readIntervals(path string) (*hdrhistogram.Histogram, []*hdrhistogram.Histogram, error) {
	l, err := rundir.ReadHlog(path)
	if err != nil {
		return nil, nil, fmt.Errorf("interval log: %w", err)
	}
	return l.Whole(), l.Intervals, nil
}
