package httpd

import "latencylab/stages/http1"

// FormatEncoder is the first version's serializer: fmt into a new buffer
// for every response, then one write.
type FormatEncoder struct{}

// NewFormatEncoder returns the fmt strategy.
func NewFormatEncoder() Encoder { return FormatEncoder{} }

func (FormatEncoder) Encode(out *Output, resp *http1.Response, date []byte) {
	out.Write(http1.FormatResponse(resp, date, serverName))
}

// PooledEncoder appends into one scratch buffer that is reset, not freed.
// One buffer serves the whole reactor: the core never keeps the slice it is
// handed, so the buffer is free again as soon as Write returns.
type PooledEncoder struct {
	scratch []byte
}

// NewPooledEncoder returns the pooled-buffer strategy.
func NewPooledEncoder() Encoder { return &PooledEncoder{scratch: make([]byte, 0, StackBufSize)} }

func (e *PooledEncoder) Encode(out *Output, resp *http1.Response, date []byte) {
	e.scratch = http1.AppendResponse(e.scratch[:0], resp, date, serverName)
	out.Write(e.scratch)
}

// StackBufSize is the fixed response buffer of StackEncoder.
const StackBufSize = 4 << 10

// StackEncoder computes the response size first and serializes into a fixed
// 4 KiB array on the goroutine's stack; only larger responses use the heap.
// `make escape` shows the compiler's proof that buf does not escape.
type StackEncoder struct{}

// NewStackEncoder returns the fixed-buffer strategy.
func NewStackEncoder() Encoder { return StackEncoder{} }

func (StackEncoder) Encode(out *Output, resp *http1.Response, date []byte) {
	size := http1.ResponseSize(resp, date, serverName)
	if size > StackBufSize {
		out.Write(http1.AppendResponse(make([]byte, 0, size), resp, date, serverName))
		return
	}
	var buf [StackBufSize]byte
	out.Write(http1.AppendResponse(buf[:0], resp, date, serverName))
}

// SplitEncoder writes the header block and the body in two writes. It is
// the Nagle demonstration (--split-write): with Nagle on, the second small
// segment waits for the ACK of the first, which the client delays (~40 ms
// on Linux).
type SplitEncoder struct {
	scratch []byte
}

// NewSplitEncoder returns the two-write strategy.
func NewSplitEncoder() Encoder { return &SplitEncoder{} }

func (e *SplitEncoder) Encode(out *Output, resp *http1.Response, date []byte) {
	e.scratch = http1.AppendHead(e.scratch[:0], resp, date, serverName)
	out.Write(e.scratch)
	if len(resp.Body) > 0 && !http1.Bodiless(resp.Status, resp.Head) {
		out.Write(resp.Body)
	}
}
