package reports

import (
	"fmt"
	"math"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// readHlog returns the latency intervals of one .hlog file, in order.
func readHlog(path string) ([]*hdr.Histogram, error) {
	l, err := rundir.ReadHlog(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return l.Intervals, nil
}

// newHist makes an empty histogram of the lab's one range.
func newHist() *hdr.Histogram { return rundir.NewHist() }

// mergeAll merges every interval of every log into one histogram.
func mergeAll(logs [][]*hdr.Histogram) *hdr.Histogram {
	m := newHist()
	for _, hs := range logs {
		for _, h := range hs {
			m.Merge(h)
		}
	}
	return m
}

// intervalStat is latency over one interval of the measured window, all
// rounds merged: interval i of round 1 with interval i of round 2, and so
// on, so that a stall common to every round (GC, a timer) stands out.
type intervalStat struct {
	T     float64 // middle of the bucket, seconds from the log's first interval
	P50NS float64
	P99NS float64
	Count int64
}

// perInterval buckets intervals by the log's own interval length (100 ms
// from lab load; older logs have 1 s) since each log's start. A bucket
// the logs cover for less than half of it on average (the ragged end of
// a window) is left out: its few samples would plot as noise.
func perInterval(logs [][]*hdr.Histogram) []intervalStat {
	width := bucketMS(logs)
	var buckets []*hdr.Histogram
	var coveredMS []int64
	for _, hs := range logs {
		for _, h := range hs {
			b := int((h.StartTimeMs() - hs[0].StartTimeMs()) / width)
			for len(buckets) <= b {
				buckets, coveredMS = append(buckets, newHist()), append(coveredMS, 0)
			}
			buckets[b].Merge(h)
			coveredMS[b] += h.EndTimeMs() - h.StartTimeMs()
		}
	}
	var out []intervalStat
	for b, h := range buckets {
		if h.TotalCount() == 0 || 2*coveredMS[b] < int64(len(logs))*width {
			continue
		}
		out = append(out, intervalStat{
			T: (float64(b) + 0.5) * float64(width) / 1000, Count: h.TotalCount(),
			P50NS: float64(h.ValueAtQuantile(50)), P99NS: float64(h.ValueAtQuantile(99)),
		})
	}
	return out
}

// bucketMS is the logs' interval: the longest first interval among them
// (a first interval may be cut short by the window's start), 1 s when
// unknown.
func bucketMS(logs [][]*hdr.Histogram) int64 {
	var width int64
	for _, hs := range logs {
		if len(hs) > 1 {
			width = max(width, hs[1].StartTimeMs()-hs[0].StartTimeMs())
		}
	}
	if width <= 0 {
		return 1000
	}
	return width
}

// spectrumPoint is one point of an HdrHistogram percentile plot.
type spectrumPoint struct {
	X  float64 // 1/(1-p): 2 at the median, 100 at p99
	NS float64
}

// spectrum samples the latency at 1/(1-p) spaced evenly on a log axis,
// 24 points a decade plus the labelled percentiles exactly (p50, p90,
// p99, …), up to the resolution the sample count allows (1/(1-p) ≤
// count); the maximum closes the curve there.
func spectrum(h *hdr.Histogram) []spectrumPoint {
	n := float64(h.TotalCount())
	if n < 2 {
		return nil
	}
	var pts []spectrumPoint
	for _, x := range spectrumXs(n) {
		p := 100 * (1 - 1/x)
		pts = append(pts, spectrumPoint{X: x, NS: float64(h.ValueAtQuantile(p))})
	}
	return append(pts, spectrumPoint{X: n, NS: float64(h.Max())})
}

// spectrumXs lists the x positions below n, ascending.
func spectrumXs(n float64) []float64 {
	const perDecade = 24
	var xs []float64
	for i := 0; math.Pow(10, float64(i)/perDecade) < n; i++ {
		xs = append(xs, math.Pow(10, float64(i)/perDecade))
	}
	for _, x := range []float64{2, 10, 100, 1e3, 1e4, 1e5, 1e6} {
		if x < n {
			xs = append(xs, x)
		}
	}
	slices.Sort(xs)
	return slices.CompactFunc(xs, func(a, b float64) bool { return math.Abs(a-b) < 1e-9*a })
}
