package http1

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// pipeline mixes framings: no body, Content-Length, chunked with
// extensions and trailers, HTTP/1.0 keep-alive, an empty chunked body, and
// the CRLF some clients send after a body.
var pipeline = []string{
	typicalGET,
	"\r\n" + post11 + "Content-Length: 5\r\n\r\nhello",
	post11 + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n",
	"GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	post11 + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
	post11 + "Content-Length: 3\r\n\r\nxyz",
	get11 + "Connection: close\r\n\r\n",
}

// pipelineWant is each request of the pipeline parsed on its own.
func pipelineWant(t *testing.T) []res {
	var want []res
	for _, in := range pipeline {
		w := parseWhole(Limits{}, []byte(in))
		if w.n != len(in) {
			t.Fatalf("request %q alone: %v", in, w)
		}
		want = append(want, w)
	}
	return want
}

// TestPipelineOneBuffer: all requests in one buffer, parsed one after the
// other on buf[n:].
func TestPipelineOneBuffer(t *testing.T) {
	want := pipelineWant(t)
	buf := []byte(strings.Join(pipeline, ""))
	p, r := NewParser(Limits{}), new(Request)
	for i, w := range want {
		n, err := p.Parse(buf, r)
		if got := outcome(n, err, r); got != w {
			t.Fatalf("request %d:\n got %v\nwant %v", i, got, w)
		}
		buf = buf[n:]
	}
	if len(buf) != 0 {
		t.Fatalf("%d bytes left", len(buf))
	}
}

// TestPipelineStream delivers the pipeline in random reads to a loop that
// compacts its buffer after each request, as a connection does: requests
// straddle reads, and the parser meets its bytes at new addresses.
func TestPipelineStream(t *testing.T) {
	want := pipelineWant(t)
	stream := []byte(strings.Join(pipeline, ""))
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 1))
		maxRead := 1 + int(seed)%64
		if got := consume(stream, func() int { return 1 + rng.IntN(maxRead) }); !equalRes(got, want) {
			t.Fatalf("seed %d: got %v\nwant %v", seed, got, want)
		}
	}
	if got := consume(stream, func() int { return 1 }); !equalRes(got, want) {
		t.Fatalf("one byte per read: got %v", got)
	}
}

// consume reads stream in pieces of readSize() bytes and parses every
// request as it completes; it stops at an error.
func consume(stream []byte, readSize func() int) []res {
	p, r := NewParser(Limits{}), new(Request)
	var pending []byte
	var out []res
	for len(stream) > 0 {
		k := min(readSize(), len(stream))
		pending, stream = append(pending, stream[:k]...), stream[k:]
		for {
			n, err := p.Parse(pending, r)
			got := outcome(n, err, r)
			if !got.final() {
				break
			}
			out = append(out, got)
			if err != nil {
				return out
			}
			pending = clone(pending[n:])
		}
	}
	return out
}

func equalRes(a, b []res) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPipelineStopsAtError: a bad request ends the stream; what follows it
// is never parsed.
func TestPipelineStopsAtError(t *testing.T) {
	stream := []byte(get11 + "\r\n" + "GET / HTTP/1.1\r\nHost : h\r\n\r\n" + get11 + "\r\n")
	got := consume(stream, func() int { return 7 })
	if len(got) != 2 || got[0].method != "GET" || got[1].status != 400 {
		t.Fatalf("got %v", got)
	}
}
