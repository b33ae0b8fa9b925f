package core

// table maps a file descriptor to its connection. The kernel hands out the
// lowest free fd, so fds are dense and a slice indexed by fd is the whole
// lookup structure: no map, no hashing.
//
// Each slot keeps its *Conn across connections (reset, not freed), so an
// accept after warm-up allocates nothing. Because fds are reused, every slot
// carries a generation that is bumped on each open. epoll event data holds
// (fd, generation) — never a Go pointer — and an event whose generation does
// not match the slot is stale: it was queued for an earlier connection on
// the same fd number (closed earlier in the same epoll_wait batch, or kept
// registered by a dup'ed descriptor in a forked child).
type table struct {
	slots []*Conn
}

// maxGen keeps generations positive when stored in EpollEvent.Pad (int32);
// negative Pad values mark the listener and the wake eventfd.
const maxGen = 1<<31 - 1

func nextGen(g uint32) uint32 {
	if g >= maxGen {
		return 1
	}
	return g + 1
}

// open claims fd for a new connection and returns its slot with a new
// generation. The caller initialises the rest of the Conn.
func (t *table) open(fd int) *Conn {
	if fd >= len(t.slots) {
		t.grow(fd)
	}
	c := t.slots[fd]
	if c == nil {
		c = &Conn{}
		t.slots[fd] = c
	}
	c.gen = nextGen(c.gen)
	c.state = stateOpen
	return c
}

// grow doubles the slice (at least to fd+1): fds only climb past the high
// water mark during warm-up, so this is amortised away.
func (t *table) grow(fd int) {
	n := max(2*len(t.slots), fd+1, 64)
	slots := make([]*Conn, n)
	copy(slots, t.slots)
	t.slots = slots
}

// lookup returns the open connection on fd with generation gen, or nil if
// the event is stale.
func (t *table) lookup(fd int, gen uint32) *Conn {
	if fd < 0 || fd >= len(t.slots) {
		return nil
	}
	c := t.slots[fd]
	if c == nil || c.state == stateFree || c.gen != gen {
		return nil
	}
	return c
}

// at returns the slot of fd; the timer lists link connections by fd.
func (t *table) at(fd int32) *Conn { return t.slots[fd] }

// release marks the slot free. The generation stays, so any event still
// queued for this connection is recognised as stale after reuse.
func (t *table) release(c *Conn) { c.state = stateFree }
