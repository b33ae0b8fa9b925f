package load

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// intervalNs is the interval log's resolution: fine enough that a stall
// inside a 2 s trial shows on the timeline (CONTRACTS.md §3).
const intervalNs = int64(100 * time.Millisecond)

// ivMsg carries one worker's histogram of one interval to the log writer.
// Intervals before k are complete for that worker; final: all are.
type ivMsg struct {
	worker int
	k      int64
	h      *hdrhistogram.Histogram
	final  bool
	endNs  int64
}

// ivRecorder is a worker's side of the interval log: the latency samples
// of the current interval (measured from the start of the window).
type ivRecorder struct {
	worker  int
	out     chan<- ivMsg
	free    chan *hdrhistogram.Histogram // histograms handed back for reuse
	cur     *hdrhistogram.Histogram
	k       int64
	startNs int64
	endNs   int64 // end of interval k
}

func newIvRecorder(worker int, out chan<- ivMsg, startNs int64) *ivRecorder {
	return &ivRecorder{worker: worker, out: out, free: make(chan *hdrhistogram.Histogram, 2),
		cur: newHist(), startNs: startNs, endNs: startNs + intervalNs}
}

func (r *ivRecorder) record(now, latencyNs int64) {
	r.rotateIfDue(now)
	_ = r.cur.RecordValue(latencyNs)
}

// rotateIfDue hands the finished interval over and starts the one now is in.
func (r *ivRecorder) rotateIfDue(now int64) {
	if now < r.endNs {
		return
	}
	r.out <- ivMsg{worker: r.worker, k: r.k, h: r.cur}
	select {
	case h := <-r.free:
		r.cur = h
	default:
		r.cur = newHist()
	}
	r.k = (now - r.startNs) / intervalNs
	r.endNs = r.startNs + (r.k+1)*intervalNs
}

func (r *ivRecorder) finish(now int64) {
	r.out <- ivMsg{worker: r.worker, k: r.k, h: r.cur, final: true, endNs: now}
}

// hlogWriter merges the workers' intervals and writes the standard
// HdrHistogram interval log, one line per second of the measured window,
// in order, as soon as every worker is past it.
type hlogWriter struct {
	f        *os.File
	bw       *bufio.Writer
	lw       *rundir.HlogWriter
	in       chan ivMsg
	frees    []chan *hdrhistogram.Histogram
	startMs  int64 // wall clock at the start of the window
	pending  map[int64]*hdrhistogram.Histogram
	doneTo   []int64 // per worker: intervals below are complete
	next     int64   // next interval to write
	lastK    int64
	endNs    int64 // window-relative end of the last interval
	writeErr error
}

// newHlogWriter creates the file up front, so a bad path fails before the run.
func newHlogWriter(path string, workers int, header string) (*hlogWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("hlog: %w", err)
	}
	bw := bufio.NewWriter(f)
	h := &hlogWriter{f: f, bw: bw, lw: rundir.NewHlogWriter(bw, header),
		in: make(chan ivMsg, 4*workers), frees: make([]chan *hdrhistogram.Histogram, workers),
		pending: map[int64]*hdrhistogram.Histogram{}, doneTo: make([]int64, workers)}
	return h, nil
}

// writeHeader stamps the log with the wall-clock start of the window;
// interval timestamps are relative to it.
func (h *hlogWriter) writeHeader(startWall time.Time) {
	h.startMs = startWall.UnixMilli()
	h.lw.Start(h.startMs)
}

// abort closes and removes the file of a run that never started.
func (h *hlogWriter) abort() {
	h.f.Close()
	os.Remove(h.f.Name())
}

func (h *hlogWriter) check(err error) {
	if err != nil && h.writeErr == nil {
		h.writeErr = err
	}
}

// recorder makes worker i's side.
func (h *hlogWriter) recorder(i int, startNs int64) *ivRecorder {
	r := newIvRecorder(i, h.in, startNs)
	h.frees[i] = r.free
	return r
}

// loop consumes the intervals until every worker sent its final one.
func (h *hlogWriter) loop(startWall time.Time, windowStartNs int64) error {
	h.writeHeader(startWall)
	finals := 0
	for finals < len(h.doneTo) {
		m := <-h.in
		h.add(m)
		if m.final {
			finals++
			h.doneTo[m.worker] = math.MaxInt64
			h.endNs = max(h.endNs, m.endNs-windowStartNs)
		} else {
			h.doneTo[m.worker] = m.k + 1
		}
		if finals < len(h.doneTo) {
			h.flush(false)
		}
	}
	h.flush(true)
	return h.err()
}

func (h *hlogWriter) err() error {
	if err := errors.Join(h.lw.Err(), h.writeErr); err != nil {
		return fmt.Errorf("hlog: %w", err)
	}
	return nil
}

// close ends the log. A sharded agent first appends its whole-window
// service and send-lag histograms, tagged: readers of the latency
// intervals (untagged) pass over them.
func (h *hlogWriter) close(totals map[string]*hdrhistogram.Histogram) error {
	endMs := h.startMs + max(h.endNs, 0)/1e6
	lastMs := h.startMs + max(h.next-1, 0)*intervalNs/1e6
	h.lw.Totals(totals, lastMs, endMs)
	h.check(h.bw.Flush())
	h.check(h.f.Close())
	return h.err()
}

func (h *hlogWriter) add(m ivMsg) {
	h.lastK = max(h.lastK, m.k)
	acc, ok := h.pending[m.k]
	if !ok {
		acc = newHist()
		h.pending[m.k] = acc
	}
	acc.Merge(m.h)
	m.h.Reset()
	select {
	case h.frees[m.worker] <- m.h:
	default:
	}
}

// flush writes the intervals every worker is done with (all, at the end).
func (h *hlogWriter) flush(all bool) {
	upTo := h.lastK
	if !all {
		upTo = min(upTo, slicesMin(h.doneTo)-1)
	}
	for ; h.next <= upTo; h.next++ {
		acc := h.pending[h.next]
		delete(h.pending, h.next)
		if acc == nil {
			acc = newHist()
		}
		start := h.startMs + h.next*intervalNs/1e6
		end := start + intervalNs/1e6
		if all && h.next == h.lastK {
			end = h.startMs + max(h.endNs, 0)/1e6
		}
		acc.SetStartTimeMs(start)
		acc.SetEndTimeMs(max(end, start))
		h.lw.Interval(acc)
	}
}

func slicesMin(s []int64) int64 {
	m := int64(math.MaxInt64)
	for _, v := range s {
		m = min(m, v)
	}
	return m
}
