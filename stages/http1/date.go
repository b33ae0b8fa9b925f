package http1

import "time"

// imfFixdate is the HTTP date format (RFC 9110 §5.6.7), always in GMT.
const imfFixdate = "Mon, 02 Jan 2006 15:04:05 GMT"

// DateCache holds the Date field value for the current second. Servers send
// the same value for a whole second, so formatting once a second instead of
// once a response removes time formatting from the hot path. One cache per
// goroutine: it is not safe for concurrent use.
type DateCache struct {
	sec int64
	n   int // valid bytes in buf; 0 until the first Get
	buf [len(imfFixdate)]byte
}

// Get returns now as an IMF-fixdate. The slice is the cache's own storage:
// it changes when the second does, so copy it out or use it at once.
func (d *DateCache) Get(now time.Time) []byte {
	if sec := now.Unix(); d.n == 0 || sec != d.sec {
		d.sec = sec
		// AppendFormat writes into buf's array: it has room for every
		// four-digit year, and copy keeps the length right for others.
		d.n = copy(d.buf[:], now.UTC().AppendFormat(d.buf[:0], imfFixdate))
	}
	return d.buf[:d.n]
}
