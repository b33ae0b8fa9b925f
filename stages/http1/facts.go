package http1

// facts is what the header fields say about host, framing, persistence and
// expectations. Fields note themselves as they are parsed; check decides
// once the block is complete. The zero value means "nothing seen".
type facts struct {
	host  span
	hosts int

	hasLength bool
	length    int64

	te        bool // Transfer-Encoding present
	teChunked int  // "chunked" codings seen
	teOther   bool // some other coding seen

	close, keepAliveToken bool // Connection options

	expect100, expectOther bool
}

// note records one field. Only a few names matter; the length switch keeps
// the common case (an irrelevant field) to one comparison.
func (f *facts) note(name, value []byte, at span) *Error {
	switch len(name) {
	case 4:
		if equalFold(name, "host") {
			return f.noteHost(value, at)
		}
	case 6:
		if equalFold(name, "expect") {
			f.noteExpect(value)
		}
	case 10:
		if equalFold(name, "connection") {
			f.noteConnection(value)
		}
	case 14:
		if equalFold(name, "content-length") {
			return f.noteLength(value)
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			f.noteCodings(value)
		}
	}
	return nil
}

// noteHost keeps the one Host field; a second is a 400 (RFC 9112 §3.2).
func (f *facts) noteHost(value []byte, at span) *Error {
	f.hosts++
	if f.hosts > 1 {
		return errHostDuplicate
	}
	if !allIn(value, classHost) {
		return errHostInvalid
	}
	f.host = at
	return nil
}

// noteLength accepts 1*DIGIT, also as a list of identical values ("5, 5")
// and across identical repeated fields (RFC 9110 §8.6); anything else is a
// 400 because it makes the framing ambiguous.
func (f *facts) noteLength(value []byte) *Error {
	for {
		elem, rest, more := nextElement(value)
		n, ok := parseDecimal(elem)
		if !ok {
			return errLength
		}
		if f.hasLength && n != f.length {
			return errLengthConfl
		}
		f.hasLength, f.length = true, n
		if !more {
			return nil
		}
		value = rest
	}
}

// parseDecimal parses 1*DIGIT into an int64; overflow is an error.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// noteCodings records the transfer codings; empty list elements are
// skipped as RFC 9110 §5.6.1 allows.
func (f *facts) noteCodings(value []byte) {
	f.te = true
	for more := true; more; {
		var elem []byte
		elem, value, more = nextElement(value)
		switch {
		case len(elem) == 0:
		case equalFold(elem, "chunked"):
			f.teChunked++
		default:
			f.teOther = true
		}
	}
}

// noteConnection collects the connection options that decide persistence.
func (f *facts) noteConnection(value []byte) {
	for more := true; more; {
		var elem []byte
		elem, value, more = nextElement(value)
		switch {
		case equalFold(elem, "close"):
			f.close = true
		case equalFold(elem, "keep-alive"):
			f.keepAliveToken = true
		}
	}
}

// noteExpect accepts only 100-continue; an empty field expects nothing.
func (f *facts) noteExpect(value []byte) {
	switch {
	case len(value) == 0:
	case equalFold(value, "100-continue"):
		f.expect100 = true
	default:
		f.expectOther = true
	}
}

// check applies the rules that need the whole header block. Syntax-level
// 400s come first, then what the server cannot do (501, 417), then size.
func (f *facts) check(minor int, maxBody int64) *Error {
	if minor == 1 && f.hosts == 0 {
		return errHostMissing
	}
	if f.te {
		if err := f.checkCodings(minor); err != nil {
			return err
		}
	}
	if f.expectOther {
		return errExpect
	}
	if minor == 0 {
		f.expect100 = false // RFC 9110 §10.1.1: ignored in an HTTP/1.0 request
	}
	if f.hasLength && f.length > maxBody {
		return errBodyTooLarge
	}
	return nil
}

// checkCodings enforces RFC 9112 §6.1 and §6.3: chunked exactly once and
// last, never with Content-Length, never in HTTP/1.0 (whose framing it
// would make faulty), and no coding the server cannot decode.
func (f *facts) checkCodings(minor int) *Error {
	switch {
	case f.hasLength:
		return errLengthAndTE
	case minor == 0:
		return errTE10
	case f.teOther:
		return errTEUnknown
	case f.teChunked != 1:
		return errTEChunked
	}
	return nil
}

func (f *facts) contentLength() int64 {
	if !f.hasLength {
		return -1
	}
	return f.length
}

// chunked is valid once check has passed: then te means exactly "chunked".
func (f *facts) chunked() bool { return f.te }

// keepAlive is RFC 9112 §9.3 persistence.
func (f *facts) keepAlive(minor int) bool {
	if f.close {
		return false
	}
	return minor == 1 || f.keepAliveToken
}
