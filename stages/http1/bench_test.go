package http1

import (
	"strings"
	"testing"
	"time"
)

// BenchmarkParse parses the typical ~200-byte GET into reused objects.
func BenchmarkParse(b *testing.B) {
	in := []byte(typicalGET)
	p, r := NewParser(Limits{}), new(Request)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := p.Parse(in, r); n != len(in) || err != nil {
			b.Fatal("parse failed")
		}
	}
}

// BenchmarkParsePipelined parses 16 pipelined typical requests from one
// buffer; ns/op is per buffer.
func BenchmarkParsePipelined(b *testing.B) {
	const depth = 16
	in := []byte(strings.Repeat(typicalGET, depth))
	p, r := NewParser(Limits{}), new(Request)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		buf := in
		for range depth {
			n, err := p.Parse(buf, r)
			if n == 0 || err != nil {
				b.Fatal("parse failed")
			}
			buf = buf[n:]
		}
	}
}

// benchResponse is the plaintext answer with the naive stage's map or the
// pooled stages' fields.
func benchResponse(withMap bool) *Response {
	r := &Response{Status: 200, Minor: 1, Body: []byte("Hello, World!")}
	if withMap {
		r.Map = make(map[string]string, 4)
	}
	r.Set("Content-Type", "text/plain")
	return r
}

// BenchmarkEncodeFormat is the naive encoder as the naive stage uses it:
// fmt into a new buffer, headers from a map.
func BenchmarkEncodeFormat(b *testing.B) {
	r := benchResponse(true)
	b.ReportAllocs()
	for b.Loop() {
		_ = FormatResponse(r, testDate, testServer)
	}
}

// BenchmarkEncodeAppend appends into a reused scratch buffer.
func BenchmarkEncodeAppend(b *testing.B) {
	r := benchResponse(false)
	dst := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendResponse(dst[:0], r, testDate, testServer)
	}
}

// BenchmarkEncodeStack sizes first, then appends into a local 4 KiB array,
// as the stackbuf stage does.
func BenchmarkEncodeStack(b *testing.B) {
	r := benchResponse(false)
	var sink byte
	b.ReportAllocs()
	for b.Loop() {
		if ResponseSize(r, testDate, testServer) > 4096 {
			b.Fatal("too big")
		}
		var buf [4096]byte
		out := AppendResponse(buf[:0], r, testDate, testServer)
		sink += out[len(out)-1]
	}
	_ = sink
}

// BenchmarkDate is the per-response cost of the Date value: a cache hit.
func BenchmarkDate(b *testing.B) {
	var d DateCache
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Get(now)
	}
}
