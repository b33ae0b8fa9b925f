// Package http1 is the lab's HTTP/1.1: an incremental zero-copy request
// parser, response encoders (heap, append and fixed-buffer strategies),
// status texts, the Date cache and the RFC 9112 limits. It knows nothing
// about sockets.
//
// This file holds the package's types and limits. The parser is in
// parser.go (Parser.Parse resumes where it stopped, so a caller extends the
// same buffer and calls again), the encoders in encode.go and format.go.
package http1

// Default limits (docs/CONTRACTS.md, "HTTP rules").
const (
	DefaultMaxTargetBytes = 8 << 10 // request target over this: 414
	DefaultMaxHeaderBytes = 8 << 10 // header block (after the request line) over this: 431
	DefaultMaxHeaders     = 100     // more header fields than this: 431
	DefaultMaxBodyBytes   = 1 << 20 // body over this: 413
)

// Limits bounds what the parser accepts.
type Limits struct {
	MaxTargetBytes int
	MaxHeaderBytes int
	MaxHeaders     int
	MaxBodyBytes   int64
}

// DefaultLimits returns the limits above.
func DefaultLimits() Limits {
	return Limits{
		MaxTargetBytes: DefaultMaxTargetBytes,
		MaxHeaderBytes: DefaultMaxHeaderBytes,
		MaxHeaders:     DefaultMaxHeaders,
		MaxBodyBytes:   DefaultMaxBodyBytes,
	}
}

// Field is one header field. Both slices point into the parsed input.
type Field struct {
	Name, Value []byte
}

// Request is one parsed request. Its slices point into the buffer handed to
// Parse and are valid until that buffer is reused.
type Request struct {
	Method        []byte
	Target        []byte
	Minor         int     // HTTP/1.<Minor>: 0 or 1
	Fields        []Field // in arrival order, trailers excluded
	Host          []byte
	ContentLength int64 // -1 when absent
	Chunked       bool
	Body          []byte // decoded body (chunked bodies are decoded in place)
	KeepAlive     bool   // RFC 9112 persistence: 1.1 unless "close"; 1.0 only with "keep-alive"
	Expect100     bool   // "Expect: 100-continue" was sent

	// Map is the header map of a first-version server: lower-cased names to
	// values. nil unless a stage's object strategy builds it (BuildMap);
	// Header uses it when present.
	Map map[string]string
}

// Response is what an app fills in and an encoder writes.
type Response struct {
	Status int
	Fields []Field // extra header fields in order (Content-Type, Allow, ...)
	Body   []byte
	Head   bool // answer to HEAD: Content-Length of the body, no body bytes
	Close  bool // send "Connection: close"
	Echo10 bool // HTTP/1.0 keep-alive: send "Connection: keep-alive"
	Minor  int  // version of the status line: HTTP/1.<Minor>, normally 1

	// Map is a first-version server's header map, used instead of Fields
	// when non-nil.
	Map map[string]string
}

// Error is a request the server must reject: send Status, then close.
type Error struct {
	Status int    // 400, 413, 414, 417, 431, 501 or 505
	Reason string // short, for logs and counters
}

func (e *Error) Error() string { return StatusText(e.Status) + ": " + e.Reason }
