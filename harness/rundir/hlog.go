package rundir

import (
	"fmt"
	"os"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// The one range of every latency histogram of the lab, written or read:
// nanoseconds from 1 µs to 1 h at 3 significant digits. lab load's
// timeout bounds what it records far below the top; the same range on
// every side means a merge never drops a value.
const (
	HistLowestNS  = int64(time.Microsecond)
	HistHighestNS = int64(time.Hour)
	HistSigFigs   = 3
)

// NewHist makes an empty latency histogram of the lab's range.
func NewHist() *hdr.Histogram { return hdr.New(HistLowestNS, HistHighestNS, HistSigFigs) }

// Hlog is an interval log (CONTRACTS.md §3): the latency intervals in
// order, and the tagged histograms (a sharded agent's service and
// send-lag totals, a merged log's per-agent intervals), summed per tag.
type Hlog struct {
	Intervals []*hdr.Histogram
	Tagged    map[string]*hdr.Histogram
}

// ReadHlog reads an interval log, lab load's or lab merge's.
func ReadHlog(path string) (*Hlog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rundir: %w", err)
	}
	defer f.Close()
	r := hdr.NewHistogramLogReader(f)
	l := &Hlog{Tagged: map[string]*hdr.Histogram{}}
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("rundir: read %s: %w", path, err)
		}
		if h == nil {
			return l, nil
		}
		tag := h.Tag()
		if tag == "" {
			l.Intervals = append(l.Intervals, h)
			continue
		}
		if l.Tagged[tag] == nil {
			l.Tagged[tag] = NewHist()
		}
		l.Tagged[tag].Merge(h)
	}
}

// Whole is the sum of the intervals: the whole measured window.
func (l *Hlog) Whole() *hdr.Histogram {
	w := NewHist()
	for _, h := range l.Intervals {
		w.Merge(h)
	}
	return w
}
