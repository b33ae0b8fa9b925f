package load

// wake asks the worker to look at a connection at a time: its next send is
// due, or its reconnect back-off ends. Entries are not removed when they go
// stale; a generation mismatch marks them and they are skipped when popped.
type wake struct {
	at  int64
	idx int32
	gen uint32
}

// wakeHeap is a binary min-heap on at, typed to avoid interface boxing.
type wakeHeap []wake

func (h *wakeHeap) push(w wake) {
	*h = append(*h, w)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if s[parent].at <= s[i].at {
			break
		}
		s[parent], s[i] = s[i], s[parent]
		i = parent
	}
}

func (h *wakeHeap) pop() wake {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(s) && s[l].at < s[small].at {
			small = l
		}
		if r < len(s) && s[r].at < s[small].at {
			small = r
		}
		if small == i {
			break
		}
		s[small], s[i] = s[i], s[small]
		i = small
	}
	*h = s
	return top
}

func (h wakeHeap) peek() (wake, bool) {
	if len(h) == 0 {
		return wake{}, false
	}
	return h[0], true
}
