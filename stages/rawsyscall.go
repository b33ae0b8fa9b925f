package stages

import "latencylab/stages/core"

// rawsyscall makes the calls that cannot block (read, write, accept4,
// epoll_ctl, close on non-blocking sockets) with syscall.RawSyscall instead
// of syscall.Syscall. A runtime syscall wraps the call in entersyscall and
// exitsyscall so that sysmon can give this thread's P away if the call
// blocks; on a pinned CPU that bookkeeping, and the context switch when
// sysmon takes the P back, is a tax paid on every read and write. The
// blocking epoll_wait stays a runtime syscall, or the garbage collector
// could not stop the world while the server sits idle.
func rawsyscall() Stage {
	s := batched()
	s.Base, s.Name = s.Name, "rawsyscall"
	s.Summary = "batched + raw syscalls (no entersyscall/exitsyscall) for every call that cannot block"
	s.Core.Syscalls = core.RawSyscalls
	return s
}
