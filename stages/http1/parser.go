package http1

// Parser reads one request at a time from a buffer that grows between calls.
//
// It resumes rather than rescans: pos is the first byte not yet examined and
// each state keeps the offsets it has found so far. Offsets, not slices,
// because the caller may move the same bytes into a new array between calls
// (a read buffer that grows or is compacted); the Request's slices are cut
// from the buffer of the call that hands them out.
//
// Every decision depends only on the bytes before the point where it is
// taken, and bytes are examined in order. That is what makes the outcome the
// same whether a request arrives whole, in two pieces or one byte at a time.
//
// Where RFC 9112 leaves a choice, this parser takes these:
//   - Line ends: CRLF, or LF alone, in the request line and in header and
//     trailer fields (§2.2 allows it; no line can then be read two ways).
//     The chunked framing lines (chunk size, CRLF after data) need CRLF. A
//     CR not followed by LF is a 400 everywhere.
//   - Up to 64 bytes of empty lines before the request line are skipped.
//   - Single SP between the parts of the request line; a target is any run
//     of visible ASCII or obs-text bytes, in any form. Methods are case
//     sensitive; a valid token that is not a known method is a 501, as is
//     one longer than 32 bytes.
//   - HTTP/1.2 to HTTP/1.9 are answered as 1.1 (Minor 1); any other major
//     version, HTTP/0.x included, is a 505; non-digits are a 400.
//   - The header block is measured from the first field line through the
//     empty line, terminators included.
//   - Transfer-Encoding: an unknown coding is a 501, checked before the
//     "chunked once and last" rule (400); TE with Content-Length or in an
//     HTTP/1.0 request is a 400 (§6.1, §6.3).
//   - A repeated Host is a 400 in HTTP/1.0 too; Host bytes follow the set
//     net/http accepts. Expect: 100-continue in HTTP/1.0 is ignored
//     (RFC 9110 §10.1.1); an empty Expect expects nothing.
type Parser struct {
	Limits Limits // read at the start of each request; zero fields mean the defaults

	lim   Limits // the limits of the request being parsed
	state state
	pos   int // next byte to examine
	mark  int // start of the token or line being scanned

	method, target span
	major, minor   int
	headStart      int         // first byte after the request line
	fields         []fieldSpan // the header fields, reused across requests
	facts          facts       // what the fields say about framing and persistence

	bodyStart int   // first byte after the header block
	decoded   int64 // chunked: data bytes announced so far
	chunkLeft int64 // chunked: size of the chunk whose data comes next
	trailers  int   // chunked: trailer fields seen
	trailerAt int   // chunked: first byte of the trailer section
	cont      continueState
}

type state uint8

const (
	stSkip      state = iota // leading empty lines
	stMethod                 // method token up to SP
	stTarget                 // request target up to SP
	stVersion                // HTTP-version and the line end
	stFields                 // header field lines up to the empty line
	stBody                   // Content-Length body (states from here on: head complete)
	stChunkSize              // chunk-size line
	stChunkData              // chunk data and its CRLF
	stTrailers               // trailer field lines up to the empty line
	stDone                   // the request is complete
)

// continueState tracks the one "100 Continue" a request may be owed.
type continueState uint8

const (
	continueNone    continueState = iota
	continuePending               // owed; TakeContinue has not been called
	continueTaken                 // handed out
)

type span struct{ off, end int }

func (s span) of(buf []byte) []byte { return buf[s.off:s.end] }

type fieldSpan struct{ name, value span }

// NewParser returns a parser with limits l (zero fields: the defaults).
func NewParser(l Limits) *Parser {
	return &Parser{Limits: l, fields: make([]fieldSpan, 0, 16)}
}

// Parse reads the request at the start of buf. See the contract in api.go:
// n > 0 when a request is complete, n == 0 to wait for more bytes of the
// same buffer, err to reject. After a complete request or an error the
// parser is ready for the next request.
func (p *Parser) Parse(buf []byte, r *Request) (n int, err *Error) {
	if p.pos > len(buf) {
		p.Reset() // not the buffer we were reading: start over rather than panic
	}
	if p.state == stSkip && p.pos == 0 {
		p.lim = effective(p.Limits)
	}
	headBefore := p.state >= stBody
	if err := p.run(buf); err != nil {
		p.Reset()
		return 0, err
	}
	done := p.state == stDone
	if p.state >= stBody && (!headBefore || done) {
		p.fillHead(buf, r) // once when the head completes, again for a final buffer
	}
	if !done {
		p.oweContinue()
		return 0, nil
	}
	r.Body = p.body(buf)
	n = p.pos
	p.Reset()
	return n, nil
}

// TakeContinue reports, once per request, that the header block is complete,
// the client asked for 100-continue and the body has not fully arrived: the
// server should write "HTTP/1.1 100 Continue" before reading on.
func (p *Parser) TakeContinue() bool {
	if p.cont != continuePending {
		return false
	}
	p.cont = continueTaken
	return true
}

// HeadComplete reports whether the request in progress has a complete
// header block and is waiting for its body.
func (p *Parser) HeadComplete() bool { return p.state >= stBody && p.state < stDone }

// Reset forgets the request in progress, keeping the field storage.
func (p *Parser) Reset() {
	*p = Parser{Limits: p.Limits, fields: p.fields[:0]}
}

// run advances through the states until the request is complete, more
// input is needed or an error is found.
func (p *Parser) run(buf []byte) *Error {
	for {
		var more bool
		var err *Error
		switch p.state {
		case stSkip:
			more, err = p.skipEmptyLines(buf)
		case stMethod:
			more, err = p.scanMethod(buf)
		case stTarget:
			more, err = p.scanTarget(buf)
		case stVersion:
			more, err = p.scanVersion(buf)
		case stFields:
			more, err = p.scanFields(buf)
		case stBody:
			more = p.waitBody(buf)
		case stChunkSize:
			more, err = p.scanChunkSize(buf)
		case stChunkData:
			more, err = p.scanChunkData(buf)
		case stTrailers:
			more, err = p.scanTrailers(buf)
		case stDone:
			return nil
		}
		if err != nil || !more {
			return err
		}
	}
}

// oweContinue records the 100 a request is owed when its head is complete
// but its body is not.
func (p *Parser) oweContinue() {
	if p.state >= stBody && p.facts.expect100 && p.cont == continueNone {
		p.cont = continuePending
	}
}

// effective fills the zero fields of l with the defaults, so that a zero
// Parser works.
func effective(l Limits) Limits {
	d := DefaultLimits()
	if l.MaxTargetBytes <= 0 {
		l.MaxTargetBytes = d.MaxTargetBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxHeaders <= 0 {
		l.MaxHeaders = d.MaxHeaders
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	return l
}

// fillHead points r at the head of the request in buf.
func (p *Parser) fillHead(buf []byte, r *Request) {
	r.Method = p.method.of(buf)
	r.Target = p.target.of(buf)
	r.Minor = p.minor
	r.Fields = fieldsOf(buf, p.fields, r.Fields)
	r.Host = nil
	if p.facts.hosts == 1 {
		r.Host = p.facts.host.of(buf)
	}
	r.ContentLength = p.facts.contentLength()
	r.Chunked = p.facts.chunked()
	r.Body = nil
	r.KeepAlive = p.facts.keepAlive(p.minor)
	r.Expect100 = p.facts.expect100
	r.Map = nil // a map built for an earlier request would answer wrongly
}

// fieldsOf cuts the fields out of buf into dst, reusing its array.
func fieldsOf(buf []byte, spans []fieldSpan, dst []Field) []Field {
	if cap(dst) < len(spans) {
		dst = make([]Field, len(spans), 2*len(spans))
	}
	if len(dst) > len(spans) {
		clear(dst[len(spans):]) // drop references to an older buffer
	}
	dst = dst[:len(spans)]
	for i := range spans {
		// Field by field: building a Field and copying it whole stalls
		// on store forwarding (a fifth of Parse's time when measured).
		dst[i].Name = spans[i].name.of(buf)
		dst[i].Value = spans[i].value.of(buf)
	}
	return dst
}

// body returns the complete body in buf, decoding a chunked one in place.
func (p *Parser) body(buf []byte) []byte {
	switch {
	case p.facts.chunked():
		end := decodeChunked(buf, p.bodyStart)
		if end == p.bodyStart {
			return nil
		}
		return buf[p.bodyStart:end]
	case p.facts.hasLength && p.facts.length > 0:
		return buf[p.bodyStart : p.bodyStart+int(p.facts.length)]
	}
	return nil
}
