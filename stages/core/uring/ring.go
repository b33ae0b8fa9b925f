package uring

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrUnavailable wraps the reason io_uring cannot be used here: the
// kernel refuses io_uring_setup (EPERM: io_uring_disabled, or a seccomp
// profile such as a container runtime's default; ENOSYS: not built in),
// or lacks a feature the core needs.
var ErrUnavailable = errors.New("io_uring unavailable")

// Ring is one io_uring instance, owned by one thread (SINGLE_ISSUER): no
// method may be called from two goroutines.
type Ring struct {
	fd       int
	enterFd  int  // the registered index once RegisterRingFd succeeded, else fd
	enterReg bool // enterFd is a registered index

	sqMem, cqMem, sqeMem []byte

	sqHead, sqTail, sqFlags *uint32
	sqMask, sqEntries       uint32
	sqes                    []SQE
	sqTailLocal             uint32 // SQEs prepared, not yet published
	sqSubmitted             uint32 // tail as last published to the kernel

	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           []CQE

	features uint32
	arg      getEventsArg // scratch for EnterExtArg: reused, never escapes
	ts       timespec
}

// Setup creates a ring of entries SQEs (the CQ ring is twice as large),
// with the given flags. Every failure of the setup call itself wraps
// ErrUnavailable with the kernel's reason.
func Setup(entries uint32, flags uint32) (*Ring, error) {
	p := params{Flags: flags}
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, fmt.Errorf("%w: io_uring_setup: %w (%s)", ErrUnavailable, errno, whyRefused(errno))
	}
	r := &Ring{fd: int(fd), enterFd: int(fd), features: p.Features}
	if p.Features&FeatSingleMmap == 0 || p.Features&FeatExtArg == 0 {
		r.Close()
		return nil, fmt.Errorf("%w: the kernel lacks single-mmap rings or EXT_ARG waits (features %#x)", ErrUnavailable, p.Features)
	}
	if err := r.mmap(&p); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// whyRefused names the usual cause of a refused io_uring_setup.
func whyRefused(e unix.Errno) string {
	switch e {
	case unix.EPERM:
		return "refused by policy: kernel.io_uring_disabled, or a seccomp profile (a container's default one blocks io_uring)"
	case unix.ENOSYS:
		return "this kernel has no io_uring, or a seccomp profile hides it"
	case unix.EINVAL:
		return "the kernel does not know a setup flag the core needs (SINGLE_ISSUER, DEFER_TASKRUN: Linux 6.1 or later)"
	case unix.ENOMEM:
		return "out of locked memory (RLIMIT_MEMLOCK) for the rings"
	}
	return "see io_uring_setup(2)"
}

func (r *Ring) mmap(p *params) error {
	sqSize := int(p.SqOff.Array + p.SqEntries*4)
	cqSize := int(p.CqOff.Cqes + p.CqEntries*uint32(unsafe.Sizeof(CQE{})))
	size := max(sqSize, cqSize)
	mem, err := unix.Mmap(r.fd, offSQRing, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return fmt.Errorf("mmap io_uring rings: %w", err)
	}
	r.sqMem, r.cqMem = mem, mem // one mapping (FeatSingleMmap)
	sqeMem, err := unix.Mmap(r.fd, offSQEs, int(p.SqEntries)*int(unsafe.Sizeof(SQE{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return fmt.Errorf("mmap io_uring SQEs: %w", err)
	}
	r.sqeMem = sqeMem
	base := unsafe.Pointer(unsafe.SliceData(mem))
	u32 := func(off uint32) *uint32 { return (*uint32)(unsafe.Add(base, off)) }
	r.sqHead, r.sqTail, r.sqFlags = u32(p.SqOff.Head), u32(p.SqOff.Tail), u32(p.SqOff.Flags)
	r.sqMask, r.sqEntries = *u32(p.SqOff.RingMask), *u32(p.SqOff.RingEntries)
	r.cqHead, r.cqTail = u32(p.CqOff.Head), u32(p.CqOff.Tail)
	r.cqMask = *u32(p.CqOff.RingMask)
	r.cqes = unsafe.Slice((*CQE)(unsafe.Add(base, p.CqOff.Cqes)), p.CqEntries)
	r.sqes = unsafe.Slice((*SQE)(unsafe.Pointer(unsafe.SliceData(sqeMem))), p.SqEntries)
	// The SQ array maps ring slots to SQE indices; the identity map is set
	// once, so preparing an SQE never touches it again.
	array := unsafe.Slice((*uint32)(unsafe.Add(base, p.SqOff.Array)), p.SqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	r.sqTailLocal = atomic.LoadUint32(r.sqTail)
	r.sqSubmitted = r.sqTailLocal
	return nil
}

// Close unmaps the rings and closes the fd, which cancels every request
// still in flight.
func (r *Ring) Close() {
	for _, m := range [][]byte{r.sqeMem, r.sqMem} {
		if m != nil {
			_ = unix.Munmap(m)
		}
	}
	r.sqeMem, r.sqMem, r.cqMem = nil, nil, nil
	if r.fd >= 0 {
		_ = unix.Close(r.fd)
		r.fd = -1
	}
}

// RegisterRingFd registers the ring's fd with itself, so that each enter
// skips the fd table lookup (IORING_REGISTER_RING_FDS). A kernel that
// refuses keeps the plain fd.
func (r *Ring) RegisterRingFd() error {
	up := rsrcUpdate{Offset: ^uint32(0), Data: uint64(r.fd)}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerRingFds, uintptr(unsafe.Pointer(&up)), 1, 0, 0)
	if errno != 0 {
		return fmt.Errorf("io_uring_register RING_FDS: %w", errno)
	}
	r.enterFd, r.enterReg = int(up.Offset), true
	return nil
}

// UnregisterRingFd undoes RegisterRingFd. The registration belongs to
// the thread that made it and holds the ring open: a ring whose fd is
// closed while still registered lives on, with every request in flight,
// until that thread exits. Call it on the registering thread before Close.
func (r *Ring) UnregisterRingFd() {
	if !r.enterReg {
		return
	}
	up := rsrcUpdate{Offset: uint32(r.enterFd)}
	_, _, _ = unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), unregisterRingFds, uintptr(unsafe.Pointer(&up)), 1, 0, 0)
	r.enterFd, r.enterReg = r.fd, false
}

// SQE returns the next free submission entry, zeroed, or nil when the SQ
// ring is full (the caller submits, then asks again).
func (r *Ring) SQE() *SQE {
	head := atomic.LoadUint32(r.sqHead)
	if r.sqTailLocal-head >= r.sqEntries {
		return nil
	}
	e := &r.sqes[r.sqTailLocal&r.sqMask]
	*e = SQE{}
	r.sqTailLocal++
	return e
}

// Pending is the number of prepared SQEs the kernel has not seen.
func (r *Ring) Pending() uint32 { return r.sqTailLocal - r.sqSubmitted }

// Unconsumed is the number of prepared SQEs the kernel has not yet taken
// from the ring (published or not): none once an enter submitted them all.
func (r *Ring) Unconsumed() uint32 { return r.sqTailLocal - atomic.LoadUint32(r.sqHead) }

// publish makes the prepared SQEs visible to the kernel (a release store
// of the tail) and returns how many there are.
func (r *Ring) publish() uint32 {
	n := r.sqTailLocal - r.sqSubmitted
	if n > 0 {
		atomic.StoreUint32(r.sqTail, r.sqTailLocal)
		r.sqSubmitted = r.sqTailLocal
	}
	return n
}

// Enter submits every prepared SQE and, with wait, blocks until at least
// one completion is posted or timeoutNs passes (timeoutNs < 0: no
// timeout). raw chooses unix.RawSyscall6 for a call that cannot block;
// a waiting enter always goes through the runtime (unix.Syscall6), so the
// garbage collector and sysmon can run while it sleeps.
func (r *Ring) Enter(wait bool, timeoutNs int64, raw bool) (int, unix.Errno) {
	n := r.publish()
	flags := uintptr(EnterGetEvents)
	if r.enterReg {
		flags |= EnterRegisteredRing
	}
	var minComplete, argp, argsz uintptr
	if wait {
		minComplete = 1
		if timeoutNs >= 0 {
			r.ts = timespec{Sec: timeoutNs / 1e9, Nsec: timeoutNs % 1e9}
			r.arg = getEventsArg{Ts: uint64(uintptr(unsafe.Pointer(&r.ts)))}
			flags |= EnterExtArg
			argp, argsz = uintptr(unsafe.Pointer(&r.arg)), unsafe.Sizeof(r.arg)
		}
	}
	call := unix.Syscall6
	if raw && !wait {
		call = unix.RawSyscall6
	}
	got, _, errno := call(unix.SYS_IO_URING_ENTER, uintptr(r.enterFd), uintptr(n), minComplete, flags, argp, argsz)
	return int(got), errno
}

// Ready is the number of completions waiting in the CQ ring.
func (r *Ring) Ready() uint32 { return atomic.LoadUint32(r.cqTail) - *r.cqHead }

// Peek returns the i-th waiting completion (i < Ready()).
func (r *Ring) Peek(i uint32) *CQE { return &r.cqes[(*r.cqHead+i)&r.cqMask] }

// Consume hands n completions back to the kernel.
func (r *Ring) Consume(n uint32) { atomic.StoreUint32(r.cqHead, *r.cqHead+n) }

// TaskrunPending says the kernel has deferred work (DEFER_TASKRUN's
// completions) that only an enter will run: the SQ ring's TASKRUN flag,
// set with SetupTaskrunFlag.
func (r *Ring) TaskrunPending() bool { return atomic.LoadUint32(r.sqFlags)&sqTaskrun != 0 }
