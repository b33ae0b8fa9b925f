package rundir

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
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

// NewHistLike is an empty histogram of the lab's range at h's precision
// (a request mix's per-target histograms keep fewer figures).
func NewHistLike(h *hdr.Histogram) *hdr.Histogram {
	return hdr.New(HistLowestNS, HistHighestNS, int(h.SignificantFigures()))
}

// Hlog is an interval log (CONTRACTS.md §3): the latency intervals in
// order, and the tagged histograms (a sharded agent's service and
// send-lag totals, a merged log's per-agent intervals), summed per tag.
type Hlog struct {
	Intervals []*hdr.Histogram
	Tagged    map[string]*hdr.Histogram
}

// MaxHlogIntervals bounds the histograms one interval log may hold: an
// hour of 100 ms intervals, with room for the tagged ones.
const MaxHlogIntervals = 100_000

// ErrHlog is an interval log that is not one the lab writes.
var ErrHlog = errors.New("rundir: bad interval log")

// ReadHlog reads an interval log, lab load's or lab merge's. A log comes
// from anyone (a run directory, an agent's result), so each histogram
// must be of the lab's range (a histogram of a huge range costs its
// reader memory in proportion), and their number is bounded.
func ReadHlog(path string) (*Hlog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rundir: %w", err)
	}
	defer f.Close()
	r := hdr.NewHistogramLogReader(f)
	l := &Hlog{Tagged: map[string]*hdr.Histogram{}}
	n := 0
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("rundir: read %s: %w", path, err)
		}
		if h == nil {
			return l, nil
		}
		if err := checkRange(h); err != nil {
			return nil, fmt.Errorf("%w %s: %v", ErrHlog, path, err)
		}
		if n++; n > MaxHlogIntervals {
			return nil, fmt.Errorf("%w %s: over %d histograms", ErrHlog, path, MaxHlogIntervals)
		}
		tag := h.Tag()
		if tag == "" {
			l.Intervals = append(l.Intervals, h)
			continue
		}
		if l.Tagged[tag] == nil {
			l.Tagged[tag] = NewHistLike(h)
		}
		l.Tagged[tag].Merge(h)
	}
}

// checkRange accepts a histogram no wider nor finer than the lab's: what
// lab load writes, or an older log's 1 ns to 1 h.
func checkRange(h *hdr.Histogram) error {
	if h.LowestTrackableValue() < 1 || h.HighestTrackableValue() > HistHighestNS || h.SignificantFigures() > HistSigFigs {
		return fmt.Errorf("histogram of range %d..%d at %d digits, beyond the lab's %d..%d at %d",
			h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures(), HistLowestNS, HistHighestNS, HistSigFigs)
	}
	return nil
}

// Whole is the sum of the intervals: the whole measured window.
func (l *Hlog) Whole() *hdr.Histogram {
	w := NewHist()
	for _, h := range l.Intervals {
		w.Merge(h)
	}
	return w
}

// Tags of the whole-window histograms a sharded agent appends to its
// interval log, so that lab merge can merge service time and send lag
// exactly too. Readers of the latency intervals (untagged) pass over them.
const (
	TagService   = "service"
	TagSendLag   = "send_lag"
	TagConnect   = "connect"
	TagHandshake = "tls_handshake"
)

// HlogWriter writes an interval log (CONTRACTS.md §3): a comment, the
// format version, a header stamped with the window's start, the
// intervals in time order, and last any tagged whole-window totals. The
// first error is kept and reported by Err; later writes are skipped.
type HlogWriter struct {
	lw  *hdr.HistogramLogWriter
	err error
}

// NewHlogWriter starts a log on w with a comment line.
func NewHlogWriter(w io.Writer, comment string) *HlogWriter {
	h := &HlogWriter{lw: hdr.NewHistogramLogWriter(w)}
	h.check(h.lw.OutputComment(comment))
	h.check(h.lw.OutputLogFormatVersion())
	return h
}

// Start stamps a log whose first interval starts at startMs. The format
// writes StartTime and BaseTime in whole seconds, so the base is the
// whole second at or before startMs and interval timestamps carry the
// fraction: readers then place every interval at its exact time.
func (h *HlogWriter) Start(startMs int64) {
	base := startMs / 1000 * 1000
	h.lw.SetBaseTime(base)
	h.check(h.lw.OutputStartTime(base))
	h.check(h.lw.OutputBaseTime(base))
	h.check(h.lw.OutputLegend())
}

// Interval writes one interval histogram, stamped as it is.
func (h *HlogWriter) Interval(iv *hdr.Histogram) {
	if h.err == nil {
		h.check(h.lw.OutputIntervalHistogram(iv))
	}
}

// Tagged writes a copy of hist tagged tag and stamped [startMs, endMs].
func (h *HlogWriter) Tagged(tag string, hist *hdr.Histogram, startMs, endMs int64) {
	c := hdr.Import(hist.Export())
	c.SetTag(tag)
	c.SetStartTimeMs(startMs)
	c.SetEndTimeMs(max(endMs, startMs))
	h.Interval(c)
}

// Totals appends the whole-window histograms given (TagService,
// TagSendLag, TagConnect, TagHandshake, TargetTag), in the order of their
// tags. They are stamped from the last interval's start to the
// window's end, not from the window's start, so that the log stays in
// time order (readers that select a time range rely on it); their counts
// cover the whole window.
func (h *HlogWriter) Totals(totals map[string]*hdr.Histogram, lastMs, endMs int64) {
	for _, tag := range slices.Sorted(maps.Keys(totals)) {
		if t := totals[tag]; t != nil {
			h.Tagged(tag, t, lastMs, endMs)
		}
	}
}

// Err is the first write error.
func (h *HlogWriter) Err() error { return h.err }

func (h *HlogWriter) check(err error) {
	if err != nil && h.err == nil {
		h.err = err
	}
}
