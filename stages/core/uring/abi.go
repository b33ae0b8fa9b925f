// Package uring is the io_uring ABI on golang.org/x/sys/unix: setup and
// the mmap of the submission and completion rings, the SQE and CQE
// layouts, enter and register, and provided buffer rings. It knows
// nothing of sockets or HTTP; the core's uring engine drives it.
//
// The ring is ours on purpose, like the epoll core: the public Go
// modules either route every enter through syscall.Syscall6 (the
// runtime's entersyscall/exitsyscall, the tax the rawsyscall stage
// removed) or lack multishot requests and buffer rings.
package uring

// Setup flags (include/uapi/linux/io_uring.h).
const (
	SetupClamp        = 1 << 4
	SetupSubmitAll    = 1 << 7
	SetupTaskrunFlag  = 1 << 9
	SetupSingleIssuer = 1 << 12
	SetupDeferTaskrun = 1 << 13
)

// Features the kernel reports in io_uring_params.features.
const (
	FeatSingleMmap = 1 << 0
	FeatExtArg     = 1 << 8
)

// Opcodes used by the core.
const (
	OpPollAdd     = 6
	OpAccept      = 13
	OpAsyncCancel = 14
	OpSend        = 26
	OpRecv        = 27
)

// SQE flags.
const SqeBufferSelect = 1 << 5

// Per-opcode flags.
const (
	AcceptMultishot = 1 << 0 // in ioprio
	RecvMultishot   = 1 << 1 // IORING_RECV_MULTISHOT, in ioprio
	PollAddMulti    = 1 << 0 // IORING_POLL_ADD_MULTI, in len
)

// CQE flags.
const (
	CqeFBuffer     = 1 << 0
	CqeFMore       = 1 << 1
	CqeBufferShift = 16
)

// Enter flags.
const (
	EnterGetEvents      = 1 << 0
	EnterExtArg         = 1 << 3
	EnterRegisteredRing = 1 << 4
)

// Register opcodes.
const (
	registerRingFds    = 20
	unregisterRingFds  = 21
	registerPbufRing   = 22
	unregisterPbufRing = 23
)

// mmap offsets of the three regions.
const (
	offSQRing = 0
	offCQRing = 0x8000000
	offSQEs   = 0x10000000
)

// SQ ring flags the kernel sets.
const sqTaskrun = 1 << 3 // IORING_SQ_TASKRUN: deferred work waits for an enter

// sqringOffsets and cqringOffsets are io_sqring_offsets and
// io_cqring_offsets: where each field sits in the mapped rings.
type sqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1 uint32
	UserAddr                                                        uint64
}

type cqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1 uint32
	UserAddr                                                        uint64
}

// params is struct io_uring_params (120 bytes).
type params struct {
	SqEntries, CqEntries, Flags, SqThreadCPU, SqThreadIdle, Features, WqFd uint32
	Resv                                                                   [3]uint32
	SqOff                                                                  sqringOffsets
	CqOff                                                                  cqringOffsets
}

// SQE is struct io_uring_sqe (64 bytes), with the union members the core
// uses named for their use.
type SQE struct {
	Opcode      uint8
	Flags       uint8
	Ioprio      uint16
	Fd          int32
	Off         uint64
	Addr        uint64
	Len         uint32
	OpFlags     uint32 // msg_flags, accept_flags, cancel_flags, poll32_events
	UserData    uint64
	BufGroup    uint16 // buf_index / buf_group
	Personality uint16
	FileIndex   int32
	Addr3       uint64
	pad         uint64
}

// CQE is struct io_uring_cqe (16 bytes).
type CQE struct {
	UserData uint64
	Res      int32
	Flags    uint32
}

// getEventsArg is struct io_uring_getevents_arg, for EnterExtArg.
type getEventsArg struct {
	Sigmask     uint64
	SigmaskSz   uint32
	MinWaitUsec uint32
	Ts          uint64
}

// timespec is struct __kernel_timespec.
type timespec struct{ Sec, Nsec int64 }

// rsrcUpdate is struct io_uring_rsrc_update (registering the ring fd).
type rsrcUpdate struct {
	Offset, Resv uint32
	Data         uint64
}

// bufReg is struct io_uring_buf_reg.
type bufReg struct {
	RingAddr    uint64
	RingEntries uint32
	Bgid, Flags uint16
	Resv        [3]uint64
}

// buf is struct io_uring_buf; the ring's tail lives in the first entry's
// last 16 bits.
type buf struct {
	Addr uint64
	Len  uint32
	Bid  uint16
	Resv uint16
}
