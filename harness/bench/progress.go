package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"latencylab/harness/rundir"
)

// progress writes one line per trial, and a bar under them only when the
// writer is a terminal (a bar in a log file is noise).
type progress struct {
	w           io.Writer
	tty         bool
	total, done int
}

// barWidth is the progress bar's width in cells.
const barWidth = 30

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: isTerminal(w)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// line prints a message above the bar.
func (p *progress) line(format string, args ...any) {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "bench: "+format+"\n", args...)
	p.bar()
}

// trial reports one measured trial and advances the bar.
func (p *progress) trial(server string, k, rounds int, lr *rundir.LoadResult) {
	p.done++
	p.line("%-10s round %d/%d: %9.0f req/s  mean %s  p99 %s  errors %d",
		server, k, rounds, lr.ThroughputRPS, ns(lr.Latency.Mean), ns(lr.Latency.P99), errorCount(lr))
}

// clear erases the bar, so that what follows starts on a clean line.
func (p *progress) clear() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// step advances the bar for a trial that produced nothing.
func (p *progress) step() {
	p.done++
	p.bar()
}

func (p *progress) bar() {
	if !p.tty || p.total == 0 {
		return
	}
	filled := barWidth * min(p.done, p.total) / p.total
	fmt.Fprintf(p.w, "[%s%s] %d/%d trials", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), p.done, p.total)
}

// ns formats nanoseconds for a person.
func ns(v float64) string {
	return time.Duration(v).Round(time.Microsecond).String()
}

func errorCount(lr *rundir.LoadResult) int64 {
	var n int64
	for _, v := range lr.Errors {
		n += v
	}
	return n
}
