package load

import (
	"fmt"
	"io"
	"time"
)

const progressEvery = 250 * time.Millisecond

// runProgress rewrites one status line on out until done, then clears it.
func runProgress(out io.Writer, p *plan, workers []*worker, done <-chan struct{}) {
	if out == nil {
		return
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	var lastN, lastAt int64
	for {
		select {
		case <-done:
			fmt.Fprint(out, "\r\x1b[K")
			return
		case <-tick.C:
		}
		now := p.now()
		n, errs := totals(workers)
		rate := float64(n-lastN) / (float64(now-lastAt) / 1e9)
		lastN, lastAt = n, now
		fmt.Fprintf(out, "\r\x1b[K%6.1fs %-9s %10d responses %10.0f req/s %6d errors",
			float64(now)/1e9, phaseName(p, now), n, rate, errs)
	}
}

func totals(workers []*worker) (responses, errs int64) {
	for _, w := range workers {
		responses += w.stats.responses.Load()
		errs += w.stats.errors.Load()
	}
	return responses, errs
}

func phaseName(p *plan, now int64) string {
	switch {
	case now < p.warmupNs:
		return "warm-up"
	case now < p.endNs:
		return "measuring"
	case p.open:
		return "draining"
	}
	return "stopping"
}
