package http1

import "bytes"

// Chunked bodies, RFC 9112 §7.1. The framing lines (chunk size, the CRLF
// after the data) must end in CRLF, as every line does (see nextLine):
// bodies are where parsers that disagree on framing let requests be
// smuggled, so no leniency there. Trailer fields
// follow the header field rules. The wire bytes stay untouched until the
// whole message is present, so that a resumed parse still sees them; then
// decodeChunked compacts the data in place.

// maxChunkLineBytes bounds a chunk-size line with its extensions.
const maxChunkLineBytes = 4 << 10

// scanChunkSize reads one chunk-size line and decides 413 on the announced
// size, before the data arrives.
func (p *Parser) scanChunkSize(buf []byte) (bool, *Error) {
	start := p.mark
	line, ok, err := p.nextLine(buf)
	if p.pos-start > maxChunkLineBytes {
		return false, errChunkSize
	}
	if err != nil || !ok {
		return false, err
	}
	size, err := parseChunkSize(line.of(buf))
	if err != nil {
		return false, err
	}
	if size > p.lim.MaxBodyBytes-p.decoded {
		return false, errBodyTooLarge
	}
	p.decoded += size
	if size == 0 {
		p.trailerAt = p.pos
		p.state = stTrailers
		return true, nil
	}
	p.chunkLeft = size
	p.state = stChunkData
	return true, nil
}

// parseChunkSize reads chunk-size [ chunk-ext ]: hex digits, then
// extensions, checked against their grammar (chunkext.go) and ignored.
func parseChunkSize(b []byte) (int64, *Error) {
	var n int64
	i := 0
	for ; i < len(b) && classes[b[i]]&classHex != 0; i++ {
		if n > (1<<63-1)>>4 {
			return 0, errChunkSize // overflow
		}
		n = n<<4 | int64(hexValue(b[i]))
	}
	if i == 0 {
		return 0, errChunkSize
	}
	if !checkChunkExt(b[i:]) {
		return 0, errChunkSize
	}
	return n, nil
}

func hexValue(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}

// scanChunkData waits for the chunk's data and checks the CRLF after it.
func (p *Parser) scanChunkData(buf []byte) (bool, *Error) {
	if int64(len(buf)-p.pos)-2 < p.chunkLeft { // no sum: a huge size must not overflow
		return false, nil
	}
	end := p.pos + int(p.chunkLeft) + 2
	if buf[end-2] != '\r' || buf[end-1] != '\n' {
		return false, errChunkData
	}
	p.pos, p.mark = end, end
	p.state = stChunkSize
	return true, nil
}

// scanTrailers checks the trailer section's syntax and limits; its fields
// are not kept (RFC 9110 §6.5.1 lets a recipient discard them).
func (p *Parser) scanTrailers(buf []byte) (bool, *Error) {
	for {
		line, ok, err := p.nextLine(buf)
		if p.pos-p.trailerAt > p.lim.MaxHeaderBytes {
			return false, errTrailerTooLarge
		}
		if err != nil || !ok {
			return false, err
		}
		if line.off == line.end {
			p.state = stDone
			return true, nil
		}
		if _, err := parseFieldLine(buf, line); err != nil {
			return false, err
		}
		p.trailers++
		if p.trailers > p.lim.MaxHeaders {
			return false, errTooManyFields
		}
	}
}

// decodeChunked moves the data of the validated chunked body that starts at
// from to be contiguous there, and returns where the data ends.
func decodeChunked(buf []byte, from int) int {
	r, w := from, from
	for {
		size := 0
		for ; classes[buf[r]]&classHex != 0; r++ {
			size = size<<4 | int(hexValue(buf[r]))
		}
		r += bytes.IndexByte(buf[r:], '\n') + 1
		if size == 0 {
			return w
		}
		w += copy(buf[w:], buf[r:r+size])
		r += size + 2
	}
}
