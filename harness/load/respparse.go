package load

import (
	"bytes"
	"errors"
)

// Parse errors. They are sentinels so the hot path never allocates.
var (
	errStatusLine    = errors.New("malformed status line")
	errHeaderLine    = errors.New("malformed header line")
	errContentLength = errors.New("bad Content-Length")
	errChunkSize     = errors.New("bad chunk size")
	errChunkEnd      = errors.New("chunk data not followed by CRLF")
	errLineTooLong   = errors.New("response line over the length limit")
	errTooManyLines  = errors.New("too many header lines")
	errUpgrade       = errors.New("101 Switching Protocols: upgrades are not supported")
	errUnsolicited   = errors.New("data received with no request outstanding")
	errEarlyEOF      = errors.New("connection closed in the middle of a response")
	errClosedIdle    = errors.New("connection closed before the response started")
)

// Parser limits.
const (
	lineSizeMax    = 16 << 10
	headerLinesMax = 256
	emptyLinesMax  = 4 // tolerated before a status line
)

// Parser states.
const (
	psStatus     = iota // expecting the status line
	psHeader            // expecting a header line or the empty line
	psBody              // Content-Length body: remaining bytes
	psChunkSize         // expecting a chunk-size line
	psChunkData         // chunk data: remaining bytes
	psChunkEnd          // expecting the CRLF after chunk data
	psTrailer           // expecting a trailer line or the empty line
	psUntilClose        // body delimited by the connection closing
)

// respParser is an incremental HTTP/1.1 response parser. It keeps no body
// bytes; a line split across reads is copied into a small buffer that is
// allocated once and reused.
type respParser struct {
	state     uint8
	headReq   bool // responses to HEAD have no body
	started   bool // a byte of the current response has been seen
	http10    bool
	closeConn bool // Connection: close, or HTTP/1.0 without keep-alive
	keepAlive bool // Connection: keep-alive (matters for HTTP/1.0)
	chunked   bool
	clSeen    bool
	status    int
	lines     int
	clen      int64
	remaining int64
	line      []byte // partial line carried over between reads
}

// reset prepares for the next response; head says it answers a HEAD.
func (p *respParser) reset(head bool) {
	line := p.line[:0]
	*p = respParser{headReq: head, line: line}
}

// feed consumes b until one response is complete (done) or b runs out.
// n is the number of bytes consumed; bytes after a complete response
// belong to the next one.
func (p *respParser) feed(b []byte) (n int, done bool, err error) {
	if len(b) > 0 {
		p.started = true
	}
	for n < len(b) {
		switch p.state {
		case psBody, psChunkData:
			take := int(min(p.remaining, int64(len(b)-n)))
			n += take
			p.remaining -= int64(take)
			if p.remaining > 0 {
				continue
			}
			if p.state == psBody {
				return n, true, nil
			}
			p.state = psChunkEnd
		case psUntilClose:
			return len(b), false, nil
		default:
			line, m, ok, err := p.nextLine(b[n:])
			n += m
			if err != nil || !ok {
				return n, false, err
			}
			if done, err = p.onLine(line); err != nil || done {
				return n, done, err
			}
		}
	}
	return n, false, nil
}

// eof is called when the peer closes. complete means the close ended a
// close-delimited body; otherwise err says what was cut short.
func (p *respParser) eof() (complete bool, err error) {
	switch {
	case p.state == psUntilClose:
		return true, nil
	case !p.started:
		return false, errClosedIdle
	}
	return false, errEarlyEOF
}

// nextLine returns the next line of b (without CRLF), or ok=false when b
// ends mid-line (the partial line is kept).
func (p *respParser) nextLine(b []byte) (line []byte, n int, ok bool, err error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(p.line)+len(b) > lineSizeMax {
			return nil, len(b), false, errLineTooLong
		}
		p.line = append(p.line, b...)
		return nil, len(b), false, nil
	}
	line = b[:i]
	if len(p.line)+i > lineSizeMax {
		return nil, i + 1, false, errLineTooLong
	}
	if len(p.line) > 0 {
		p.line = append(p.line, line...)
		line = p.line
		p.line = p.line[:0]
	}
	if k := len(line) - 1; k >= 0 && line[k] == '\r' {
		line = line[:k]
	}
	return line, i + 1, true, nil
}

// onLine handles one complete line in the line-oriented states.
func (p *respParser) onLine(line []byte) (done bool, err error) {
	p.lines++
	if p.lines > headerLinesMax {
		return false, errTooManyLines
	}
	switch p.state {
	case psStatus:
		return false, p.onStatusLine(line)
	case psHeader:
		if len(line) == 0 {
			return p.onHeadersEnd()
		}
		return false, p.onHeaderLine(line)
	case psChunkSize:
		return false, p.onChunkSize(line)
	case psChunkEnd:
		if len(line) != 0 {
			return false, errChunkEnd
		}
		p.state = psChunkSize
		return false, nil
	case psTrailer:
		return len(line) == 0, nil // trailer fields are ignored
	}
	return false, errStatusLine
}

// onStatusLine reads "HTTP/1.x SP 3DIGIT [SP reason]".
func (p *respParser) onStatusLine(line []byte) error {
	if len(line) == 0 && p.lines <= emptyLinesMax {
		return nil
	}
	if len(line) < 12 || string(line[:7]) != "HTTP/1." || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return errStatusLine
	}
	switch line[7] {
	case '0':
		p.http10 = true
	case '1':
	default:
		return errStatusLine
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return errStatusLine
		}
		code = code*10 + int(c-'0')
	}
	if code < 100 {
		return errStatusLine
	}
	p.status = code
	p.state = psHeader
	return nil
}

// onHeaderLine notes the headers that frame the response.
func (p *respParser) onHeaderLine(line []byte) error {
	if line[0] == ' ' || line[0] == '\t' {
		return nil // obsolete line folding: a continuation we ignore
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || line[colon-1] == ' ' || line[colon-1] == '\t' {
		return errHeaderLine
	}
	name, value := line[:colon], trimOWS(line[colon+1:])
	switch {
	case equalFold(name, "content-length"):
		return p.onContentLength(value)
	case equalFold(name, "transfer-encoding"):
		p.chunked = equalFold(lastToken(value), "chunked")
		if !p.chunked {
			p.closeConn = true // a body delimited by close
		}
	case equalFold(name, "connection"):
		p.onConnection(value)
	}
	return nil
}

func (p *respParser) onContentLength(value []byte) error {
	n, ok := parseDecimal(value)
	if !ok || (p.clSeen && n != p.clen) {
		return errContentLength
	}
	p.clSeen, p.clen = true, n
	return nil
}

func (p *respParser) onConnection(value []byte) {
	for len(value) > 0 {
		var tok []byte
		if i := bytes.IndexByte(value, ','); i >= 0 {
			tok, value = value[:i], value[i+1:]
		} else {
			tok, value = value, nil
		}
		tok = trimOWS(tok)
		switch {
		case equalFold(tok, "close"):
			p.closeConn = true
		case equalFold(tok, "keep-alive"):
			p.keepAlive = true
		}
	}
}

// onHeadersEnd decides how the body is delimited (RFC 9112 §6.3).
func (p *respParser) onHeadersEnd() (done bool, err error) {
	if p.http10 && !p.keepAlive {
		p.closeConn = true
	}
	switch {
	case p.status == 101:
		return false, errUpgrade
	case p.status < 200: // interim response: the real one follows
		head := p.headReq
		p.reset(head)
		p.started = true
		return false, nil
	case p.headReq || p.status == 204 || p.status == 304:
		return true, nil
	case p.chunked:
		p.state = psChunkSize
	case p.clSeen:
		if p.clen == 0 {
			return true, nil
		}
		p.state, p.remaining = psBody, p.clen
	default:
		p.state, p.closeConn = psUntilClose, true
	}
	return false, nil
}

// onChunkSize reads "HEX [; extensions]".
func (p *respParser) onChunkSize(line []byte) error {
	var size int64
	digits := 0
	for _, c := range line {
		v, ok := hexDigit(c)
		if !ok {
			break
		}
		if digits++; digits > 15 {
			return errChunkSize
		}
		size = size<<4 | int64(v)
	}
	if digits == 0 {
		return errChunkSize
	}
	if rest := trimOWS(line[digits:]); len(rest) > 0 && rest[0] != ';' {
		return errChunkSize
	}
	if size == 0 {
		p.state = psTrailer
		return nil
	}
	p.state, p.remaining = psChunkData, size
	return nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseDecimal reads 1*DIGIT of at most 18 digits.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// lastToken is the last comma-separated element of a list value.
func lastToken(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ','); i >= 0 {
		b = b[i+1:]
	}
	return trimOWS(b)
}

// equalFold compares b to a lower-case ASCII string, ignoring case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
