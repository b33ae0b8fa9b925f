package core

import "sync/atomic"

// counters are written by the reactor goroutine and read by Stats from any
// goroutine, hence atomics. Each is a single uncontended atomic add on the
// hot path.
type counters struct {
	accepted    atomic.Uint64
	active      atomic.Uint64
	rejected    atomic.Uint64
	memRejected atomic.Uint64
	bytesIn     atomic.Uint64
	bytesOut    atomic.Uint64
	stale       atomic.Uint64
	timeouts    atomic.Uint64
	sys         [NumSyscallKinds]atomic.Uint64
	sqes, cqes  atomic.Uint64
}

func (c *counters) syscall(k SyscallKind) { c.sys[k].Add(1) }

func (c *counters) snapshot() Stats {
	s := Stats{
		ConnectionsAccepted: c.accepted.Load(),
		ConnectionsActive:   c.active.Load(),
		ConnectionsRejected: c.rejected.Load(),
		MemoryRejected:      c.memRejected.Load(),
		BytesReceived:       c.bytesIn.Load(),
		BytesSent:           c.bytesOut.Load(),
		StaleEvents:         c.stale.Load(),
		Timeouts:            c.timeouts.Load(),
		UringSQEs:           c.sqes.Load(),
		UringCQEs:           c.cqes.Load(),
	}
	for k := range s.Syscalls {
		s.Syscalls[k] = c.sys[k].Load()
	}
	return s
}

// String is the syscall's name as /stats and reports spell it.
func (k SyscallKind) String() string {
	switch k {
	case SysRead:
		return "read"
	case SysWrite:
		return "write"
	case SysAccept:
		return "accept4"
	case SysClose:
		return "close"
	case SysEpollWait:
		return "epoll_wait"
	case SysEpollCtl:
		return "epoll_ctl"
	case SysSetsockopt:
		return "setsockopt"
	case SysShutdown:
		return "shutdown"
	case SysUringEnter:
		return "io_uring_enter"
	}
	return "unknown"
}

// SyscallMap returns the syscall counts keyed by kind name ("read", "write",
// "accept4", "close", "epoll_wait", "epoll_ctl", "setsockopt",
// "shutdown", "io_uring_enter"). Every kind is present, zero counts included, so consumers see
// a stable key set.
func (s Stats) SyscallMap() map[string]uint64 {
	m := make(map[string]uint64, NumSyscallKinds)
	for k, n := range s.Syscalls {
		m[SyscallKind(k).String()] = n
	}
	return m
}

// String names the phase for logs.
func (p Phase) String() string {
	switch p {
	case PhaseReading:
		return "reading"
	case PhaseIdle:
		return "idle"
	case PhaseWriting:
		return "writing"
	case phaseLinger:
		return "linger"
	}
	return "unknown"
}
