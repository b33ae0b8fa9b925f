package http1

import (
	"bytes"
	"encoding/binary"
)

// The header section, RFC 9112 §5: field lines up to an empty line. Lines
// are found with bytes.IndexByte over the bytes not yet searched, then
// validated once whole; the size limit is checked against everything seen,
// so it trips before the block completes.

// scanFields reads header field lines until the empty line.
func (p *Parser) scanFields(buf []byte) (bool, *Error) {
	for {
		line, ok, err := p.nextLine(buf)
		if p.pos-p.headStart > p.lim.MaxHeaderBytes {
			return false, errHeadTooLarge
		}
		if err != nil || !ok {
			return false, err
		}
		if line.off == line.end {
			return p.endHead()
		}
		f, err := parseFieldLine(buf, line)
		if err != nil {
			return false, err
		}
		if len(p.fields) == p.lim.MaxHeaders {
			return false, errTooManyFields
		}
		p.fields = append(p.fields, f)
		if err := p.facts.note(f.name.of(buf), f.value.of(buf), f.value); err != nil {
			return false, err
		}
	}
}

// nextLine finds the end of the line starting at p.mark, searching only
// bytes not searched before. It returns the line without its CRLF; ok is
// false while the terminator has not arrived (p.pos is then len(buf)).
//
// A bare LF is an error, not a line end. RFC 9112 §2.2 lets a recipient
// accept one, but a front end that does not would see different message
// boundaries ("X: a\nContent-Length: 5" is one field to it, two here), so
// this server takes the strict side, as llhttp does by default.
func (p *Parser) nextLine(buf []byte) (line span, ok bool, err *Error) {
	i := bytes.IndexByte(buf[p.pos:], '\n')
	if i < 0 {
		p.pos = len(buf)
		return span{}, false, nil
	}
	end := p.pos + i
	if end == p.mark || buf[end-1] != '\r' {
		return span{}, false, errBareLF
	}
	p.pos = end + 1
	line = span{p.mark, end - 1}
	p.mark = p.pos
	return line, true, nil
}

// parseFieldLine splits a field line into name and value (OWS trimmed).
// The name must be a token directly followed by ':'; so whitespace before
// the colon is a 400, as RFC 9112 §5.1 requires. A line starting with
// whitespace is obs-fold, also a 400 (§5.2).
func parseFieldLine(buf []byte, line span) (fieldSpan, *Error) {
	b := line.of(buf)
	if b[0] == ' ' || b[0] == '\t' {
		return fieldSpan{}, errObsFold
	}
	colon := 0
	for colon < len(b) && isToken(b[colon]) {
		colon++
	}
	if colon == 0 || colon == len(b) || b[colon] != ':' {
		return fieldSpan{}, badByte(b, colon, errFieldName)
	}
	if err := checkValue(b[colon+1:]); err != nil {
		return fieldSpan{}, err
	}
	value := span{line.off + colon + 1, line.end}
	for value.off < value.end && (buf[value.off] == ' ' || buf[value.off] == '\t') {
		value.off++
	}
	for value.end > value.off && (buf[value.end-1] == ' ' || buf[value.end-1] == '\t') {
		value.end--
	}
	return fieldSpan{name: span{line.off, line.off + colon}, value: value}, nil
}

// badByte names a CR at b[i] as such, because it is the classic smuggling
// byte; other bad bytes get err.
func badByte(b []byte, i int, err *Error) *Error {
	if i < len(b) && b[i] == '\r' {
		return errBareCR
	}
	return err
}

// checkBytes returns err unless every byte of b is in class k.
func checkBytes(b []byte, k byteClass, err *Error) *Error {
	for i, c := range b {
		if classes[c]&k == 0 {
			return badByte(b, i, err)
		}
	}
	return nil
}

// checkValue is checkBytes for field values, the bulk of a head. It tests
// eight bytes at a time: a word with no byte below 0x20 and no DEL is all
// field-vchar, SP or obs-text; only a word that may hold HTAB or a bad
// byte is looked at byte by byte.
func checkValue(b []byte) *Error {
	for len(b) >= 8 {
		if mayHoldCTL(binary.LittleEndian.Uint64(b)) {
			if err := checkBytes(b[:8], classValue, errFieldValue); err != nil {
				return err
			}
		}
		b = b[8:]
	}
	return checkBytes(b, classValue, errFieldValue)
}

// mayHoldCTL reports whether some byte of w is below 0x20 or is 0x7f, with
// the classic "has less than" and "has zero" word tricks: a borrow only
// starts at a byte that matches, so the answer for the word is exact.
func mayHoldCTL(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (w - ones*0x20) &^ w & highs
	del := w ^ ones*0x7f
	return below|(del-ones)&^del&highs != 0
}

// endHead decides the framing once the header block is complete, before
// any body byte is looked at.
func (p *Parser) endHead() (bool, *Error) {
	if err := p.facts.check(p.minor, p.lim.MaxBodyBytes); err != nil {
		return false, err
	}
	p.bodyStart = p.pos
	switch {
	case p.facts.te:
		p.mark = p.pos
		p.state = stChunkSize
	case p.facts.hasLength && p.facts.length > 0:
		p.state = stBody
	default:
		p.state = stDone // no framing: a request without a body (RFC 9112 §6.3)
	}
	return true, nil
}

// waitBody waits for a Content-Length body to be complete.
func (p *Parser) waitBody(buf []byte) bool {
	if int64(len(buf)-p.bodyStart) < p.facts.length { // no sum: a huge limit must not overflow
		return false
	}
	p.pos = p.bodyStart + int(p.facts.length)
	p.state = stDone
	return true
}
