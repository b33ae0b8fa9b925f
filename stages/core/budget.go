package core

import "sync/atomic"

// budget is the server-wide memory budget for connection buffers: the read
// buffers connections hold and their pending output. Without it, every
// connection may grow its read buffer to ReadBufferMax, so a thousand
// clients each announcing a 1 MiB body and sending it slowly pin a
// gigabyte. With it, a connection that would take the server past
// Config.MemoryMax is refused (Config.Reject, then close) instead.
//
// Growth (a buffer doubling for a large request) may use only the budget
// less its last eighth; a connection's first buffer may use all of it. So
// clients that grow buffers cannot starve ordinary small requests: while an
// attack holds the growth share, a normal request still finds room.
//
// The loop goroutine owns held; the atomics publish it for Stats.
type budget struct {
	max, growMax int // bytes
	held         int
	heldPub      atomic.Int64
	peakPub      atomic.Int64
}

// growShareDen: growth may use (den-1)/den of the budget.
const growShareDen = 8

func (b *budget) init(max int) {
	b.max = max
	b.growMax = max - max/growShareDen
}

// fits reports whether n more bytes fit: the whole budget for a first
// buffer, the growth share for anything that grows.
func (b *budget) fits(n int, growing bool) bool {
	limit := b.max
	if growing {
		limit = b.growMax
	}
	return b.held+n <= limit
}

// add charges n bytes (negative: releases them).
func (b *budget) add(n int) {
	if n == 0 {
		return
	}
	b.held += n
	b.heldPub.Store(int64(b.held))
	if int64(b.held) > b.peakPub.Load() {
		b.peakPub.Store(int64(b.held))
	}
}

// accountOut charges the change in c's output capacity to the budget.
func (r *Reactor) accountOut(c *Conn) {
	r.mem.add(cap(c.out) - c.outCap)
	c.outCap = cap(c.out)
}

// dropOut releases c's output buffer.
func (r *Reactor) dropOut(c *Conn) {
	r.keepOut(c.out)
	c.out, c.outOff = nil, 0
	r.accountOut(c)
}
