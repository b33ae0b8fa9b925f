package load

import (
	"cmp"
	"slices"
	"strconv"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// targetHistSigFigs is the precision of a target's own latency histogram:
// two significant figures keep a thousand targets' histograms in tens of
// megabytes; the run's overall histograms keep three.
const targetHistSigFigs = 2

// targetRec is one target's measurements in one worker.
type targetRec struct {
	responses, errors int64
	codes             []statusCount           // grows on a code's first sight only
	latency           *hdrhistogram.Histogram // made on the target's first sample
}

type statusCount struct {
	code int
	n    int64
}

func newTargetRecs(n int) []targetRec { return make([]targetRec, n) }

func (t *targetRec) sample(latencyNs int64) {
	if t.latency == nil {
		t.latency = hdrhistogram.New(rundir.HistLowestNS, rundir.HistHighestNS, targetHistSigFigs)
	}
	_ = t.latency.RecordValue(clampNs(latencyNs))
}

func (t *targetRec) status(code int) { t.addStatus(code, 1) }

func (t *targetRec) addStatus(code int, n int64) {
	for i := range t.codes {
		if t.codes[i].code == code {
			t.codes[i].n += n
			return
		}
	}
	t.codes = append(t.codes, statusCount{code: code, n: n})
}

func (t *targetRec) merge(o *targetRec) {
	t.responses += o.responses
	t.errors += o.errors
	for _, c := range o.codes {
		t.addStatus(c.code, c.n)
	}
	if o.latency != nil {
		if t.latency == nil {
			t.latency = hdrhistogram.New(rundir.HistLowestNS, rundir.HistHighestNS, targetHistSigFigs)
		}
		t.latency.Merge(o.latency)
	}
}

// targetResults is the targets array of the summary, in the file's order.
func targetResults(cfg Config, recs []targetRec) []rundir.TargetResult {
	if len(cfg.Targets) == 0 {
		return nil
	}
	out := make([]rundir.TargetResult, len(cfg.Targets))
	for i, tg := range cfg.Targets {
		r := &recs[i]
		out[i] = rundir.TargetResult{Method: tg.Method, URL: tg.URL, Weight: tg.Weight,
			Requests: r.responses, Errors: r.errors, Statuses: map[string]int64{}}
		for _, c := range r.codes {
			out[i].Statuses[strconv.Itoa(c.code)] = c.n
		}
		if r.latency != nil {
			out[i].Latency = percentiles(r.latency)
		}
	}
	return out
}

// busiest is the indices of the n targets with the most requests sent:
// responses of any status, and failures.
func busiest(ts []rundir.TargetResult, n int) []int {
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	sent := func(t rundir.TargetResult) int64 {
		failures := t.Errors
		for code, k := range t.Statuses {
			if c, err := strconv.Atoi(code); err == nil && c >= statusErrorAt {
				failures -= k // a response, counted in Requests too
			}
		}
		return t.Requests + failures
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(sent(ts[b]), sent(ts[a])) })
	return idx[:min(n, len(idx))]
}
