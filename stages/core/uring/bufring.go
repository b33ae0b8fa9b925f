package uring

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// BufRing is a provided buffer ring (IORING_REGISTER_PBUF_RING): count
// buffers of size bytes each that the kernel picks from for receives
// with SqeBufferSelect and names in the CQE (CqeFBuffer, the buffer id in
// the flags' high 16 bits). The ring and the buffers live in anonymous
// memory outside the Go heap, so the kernel writes where no Go object is.
type BufRing struct {
	group     uint16
	size      int
	count     uint16
	mask      uint16
	ring      []buf
	tail      *uint16
	localTail uint16
	ringMem   []byte
	bufMem    []byte
}

// Bytes is the memory a buffer ring of count buffers of size bytes maps.
func Bytes(count, size int) int { return count*size + count*int(unsafe.Sizeof(buf{})) }

// RegisterBufRing maps and registers a buffer ring with group id group.
// count must be a power of two, at most 32768.
func (r *Ring) RegisterBufRing(group uint16, count, size int) (*BufRing, error) {
	if count <= 0 || count > 1<<15 || count&(count-1) != 0 || size <= 0 {
		return nil, fmt.Errorf("buffer ring of %d buffers of %d bytes: want a power of two up to 32768, and a size", count, size)
	}
	ringMem, err := unix.Mmap(-1, 0, count*int(unsafe.Sizeof(buf{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANONYMOUS|unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap buffer ring: %w", err)
	}
	bufMem, err := unix.Mmap(-1, 0, count*size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANONYMOUS|unix.MAP_PRIVATE)
	if err != nil {
		_ = unix.Munmap(ringMem)
		return nil, fmt.Errorf("mmap %d receive buffers of %d bytes: %w", count, size, err)
	}
	b := &BufRing{group: group, size: size, count: uint16(count), mask: uint16(count - 1), ringMem: ringMem, bufMem: bufMem}
	b.ring = unsafe.Slice((*buf)(unsafe.Pointer(unsafe.SliceData(ringMem))), count)
	b.tail = &b.ring[0].Resv
	reg := bufReg{RingAddr: uint64(uintptr(unsafe.Pointer(unsafe.SliceData(ringMem)))), RingEntries: uint32(count), Bgid: group}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerPbufRing, uintptr(unsafe.Pointer(&reg)), 1, 0, 0)
	if errno != 0 {
		b.unmap()
		return nil, fmt.Errorf("%w: io_uring_register PBUF_RING: %w", ErrUnavailable, errno)
	}
	for i := range count {
		b.Recycle(uint16(i))
	}
	b.Publish()
	return b, nil
}

// Group is the buffer group id receives select from.
func (b *BufRing) Group() uint16 { return b.group }

// Buf is buffer id's memory.
func (b *BufRing) Buf(id uint16) []byte {
	off := int(id) * b.size
	return b.bufMem[off : off+b.size : off+b.size]
}

// Recycle gives buffer id back to the kernel; it becomes visible at the
// next Publish.
func (b *BufRing) Recycle(id uint16) {
	e := &b.ring[b.localTail&b.mask]
	e.Addr = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b.Buf(id)))))
	e.Len = uint32(b.size)
	e.Bid = id
	b.localTail++
}

// Publish makes the recycled buffers visible (a release store of the tail).
func (b *BufRing) Publish() {
	atomic.StoreUint32((*uint32)(unsafe.Pointer(uintptr(unsafe.Pointer(b.tail))&^3)), b.tailWord())
}

// tailWord is the 32-bit word holding the tail with the new tail in it:
// the tail is the high half of the first entry's last word (little
// endian), so a 32-bit release store publishes it.
func (b *BufRing) tailWord() uint32 {
	w := (*uint32)(unsafe.Pointer(uintptr(unsafe.Pointer(b.tail)) &^ 3))
	return atomic.LoadUint32(w)&0xffff | uint32(b.localTail)<<16
}

// Unregister removes the ring from r and unmaps it.
func (b *BufRing) Unregister(r *Ring) {
	if r.fd >= 0 {
		reg := bufReg{Bgid: b.group}
		_, _, _ = unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), unregisterPbufRing, uintptr(unsafe.Pointer(&reg)), 1, 0, 0)
	}
	b.unmap()
}

func (b *BufRing) unmap() {
	for _, m := range [][]byte{b.bufMem, b.ringMem} {
		if m != nil {
			_ = unix.Munmap(m)
		}
	}
	b.bufMem, b.ringMem = nil, nil
}
