package core

// HeapBuffers is the first-version strategy: a fresh buffer for every Get,
// and Put drops it for the garbage collector. It costs one allocation per
// request and is the baseline the pools stage is measured against.
type HeapBuffers struct{}

// Get returns a new zeroed buffer of size bytes.
func (HeapBuffers) Get(size int) []byte { return make([]byte, size) }

// Put drops b.
func (HeapBuffers) Put([]byte) {}

// PooledBuffers is a free list of fixed-size read buffers: Put keeps a
// buffer for the next Get instead of freeing it ("reset, not freed"). The
// bytes are not cleared: the core only ever exposes bytes it has just read
// into the buffer.
//
// It has no lock: a reactor calls its pool from its one goroutine only.
// Reactors on several goroutines each need their own PooledBuffers.
type PooledBuffers struct {
	size    int      // every kept buffer has exactly this capacity
	maxKept int      // the free list never holds more than this
	free    [][]byte // LIFO: the most recently used buffer is the warmest in cache
}

// NewPooledBuffers returns a pool of size-byte buffers that keeps at most
// maxKept free ones. size should equal Config.ReadBufferSize; larger
// requests (a connection growing its buffer) are served from the heap and
// not kept. Zero or negative arguments take DefaultReadBufferSize and
// DefaultMaxConns.
func NewPooledBuffers(size, maxKept int) *PooledBuffers {
	if size <= 0 {
		size = DefaultReadBufferSize
	}
	if maxKept <= 0 {
		maxKept = DefaultMaxConns
	}
	return &PooledBuffers{size: size, maxKept: maxKept}
}

// Get returns a kept buffer when size fits the pool's size, else a new one.
func (p *PooledBuffers) Get(size int) []byte {
	if size > p.size {
		return make([]byte, size)
	}
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil // the list must not keep a buffer that is in use alive
		p.free = p.free[:n-1]
		return b
	}
	return make([]byte, p.size)
}

// Put keeps b for reuse if it is one of the pool's size and there is room;
// otherwise b is dropped.
func (p *PooledBuffers) Put(b []byte) {
	if cap(b) != p.size || len(p.free) >= p.maxKept {
		return
	}
	p.free = append(p.free, b[:p.size])
}
