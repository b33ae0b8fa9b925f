package uring

import "unsafe"

// The preparers fill an SQE from SQE(). user_data is the caller's: the
// core packs (slot, generation, op) into it, never a Go pointer.

// PrepAcceptMultishot accepts on lfd until cancelled or an error ends it
// (a CQE without CqeFMore); each CQE's Res is a new socket with flags
// (SOCK_NONBLOCK, SOCK_CLOEXEC) set.
func (e *SQE) PrepAcceptMultishot(lfd int, flags uint32, userData uint64) {
	e.Opcode, e.Fd, e.Ioprio, e.OpFlags, e.UserData = OpAccept, int32(lfd), AcceptMultishot, flags, userData
}

// PrepRecvMultishot receives on fd into buffers of group, one CQE per
// arrival, until cancelled, EOF, an error, or the group runs dry (-ENOBUFS).
func (e *SQE) PrepRecvMultishot(fd int, group uint16, userData uint64) {
	e.Opcode, e.Fd, e.Ioprio, e.Flags, e.BufGroup, e.UserData = OpRecv, int32(fd), RecvMultishot, SqeBufferSelect, group, userData
}

// PrepSend sends p on fd. p must stay where it is, unchanged, until the
// CQE: the kernel may read it after Enter returns.
func (e *SQE) PrepSend(fd int, p []byte, msgFlags uint32, userData uint64) {
	e.Opcode, e.Fd, e.UserData, e.OpFlags = OpSend, int32(fd), userData, msgFlags
	e.Addr, e.Len = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(p)))), uint32(len(p))
}

// PrepCancel cancels the request whose user_data is target.
func (e *SQE) PrepCancel(target, userData uint64) {
	e.Opcode, e.Fd, e.Addr, e.UserData = OpAsyncCancel, -1, target, userData
}

// PrepPollMultishot reports each time fd becomes readable (POLLIN).
func (e *SQE) PrepPollMultishot(fd int, userData uint64) {
	const pollIn = 0x1
	e.Opcode, e.Fd, e.Len, e.OpFlags, e.UserData = OpPollAdd, int32(fd), PollAddMulti, pollIn, userData
}

// Buffer is the provided-buffer id a CQE names, and whether it names one.
func (c *CQE) Buffer() (uint16, bool) {
	return uint16(c.Flags >> CqeBufferShift), c.Flags&CqeFBuffer != 0
}

// More says a multishot request stays armed after this CQE.
func (c *CQE) More() bool { return c.Flags&CqeFMore != 0 }
