package load

import "golang.org/x/sys/unix"

// loopLoad measures how busy a worker's event loop was over the measured
// window: the share of wall time it spent working rather than waiting for
// events or polling to pace a send. A loop near 100% is the bottleneck
// (in closed loop: the generator, not the server, set the throughput).
// Wall time, not thread CPU, so a thread starved by other processes also
// shows as busy: it could not keep up either.
type loopLoad struct {
	idleNs             int64 // time spent waiting, since the start
	started, ended     bool
	atStart, atEnd     int64 // ns since t0
	idleStart, idleEnd int64
}

// sample takes the start sample once the window opens and the end sample
// once it closes.
func (l *loopLoad) sample(now int64, p *plan) {
	switch {
	case !l.started && now >= p.warmupNs:
		l.started, l.atStart, l.idleStart = true, now, l.idleNs
	case l.started && !l.ended && now >= p.endNs:
		l.ended, l.atEnd, l.idleEnd = true, now, l.idleNs
	}
}

// close takes the end sample if the window was cut short.
func (l *loopLoad) close(now int64) {
	if l.started && !l.ended {
		l.ended, l.atEnd, l.idleEnd = true, now, l.idleNs
	}
}

// busyFrac is the share of the window the loop worked (0 if unmeasured).
func (l *loopLoad) busyFrac() float64 {
	wall := l.atEnd - l.atStart
	if !l.ended || wall <= 0 {
		return 0
	}
	return float64(max(wall-(l.idleEnd-l.idleStart), 0)) / float64(wall)
}

// processCPUNs is the CPU time of the whole process.
func processCPUNs() int64 {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
