package core

import "golang.org/x/sys/unix"

// Wait is the loop's strategy for waiting on events.
type Wait uint8

const (
	// WaitBlock calls epoll_wait with the timer's timeout: one call per
	// loop iteration, blocking when nothing is ready.
	WaitBlock Wait = iota
	// WaitPollFirst polls with a zero timeout first and blocks only when
	// that found nothing. Under load events are almost always ready, so
	// the loop stays on its thread in calls that cannot block (raw ones,
	// with RawSyscalls); an idle server pays one extra call per wake-up.
	WaitPollFirst
)

// wait fills r.events. The blocking call is a runtime syscall whatever
// Config.Syscalls says: while it sleeps, the runtime must be able to run
// the garbage collector and sysmon without this thread
// (TestIdleReactorLetsGCRun).
func (r *Reactor) wait(msec int) (int, error) {
	if msec != 0 && r.cfg.Wait == WaitPollFirst {
		n, err := r.sysEpollWait(r.events, 0)
		if n != 0 || (err != nil && err != unix.EINTR) {
			return n, err
		}
	}
	return r.sysEpollWait(r.events, msec)
}
