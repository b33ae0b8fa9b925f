package http1

import (
	"testing"
	"time"
)

// TestHotPathAllocs fails if the steady-state paths allocate: parsing the
// typical request into reused objects, encoding into a buffer with room
// (also a stack array), the Date cache, and filling a reused response.
func TestHotPathAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	in := []byte(typicalGET)
	p, r := NewParser(Limits{}), new(Request)
	resp := Response{Status: 200, Minor: 1, Body: []byte("Hello, World!")}
	dst := make([]byte, 0, 4096)
	var dates DateCache
	now := time.Now()
	cases := map[string]func(){
		"Parse": func() {
			if n, err := p.Parse(in, r); n != len(in) || err != nil {
				t.Fatal("parse failed")
			}
		},
		"Header":         func() { _ = r.Header("accept-encoding") },
		"AppendResponse": func() { dst = AppendResponse(dst[:0], &resp, testDate, testServer) },
		"AppendStack": func() {
			var buf [4096]byte
			out := AppendResponse(buf[:0], &resp, testDate, testServer)
			dst = append(dst[:0], out[len(out)-1])
		},
		"ResponseSize": func() { _ = ResponseSize(&resp, testDate, testServer) },
		"DateCache":    func() { _ = dates.Get(now) },
		"SetReset": func() {
			resp.Reset()
			resp.Status = 200
			resp.Set("Content-Type", "text/plain")
		},
		"ParseChunked": parseOnce(t, post11+"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
	}
	for name, f := range cases {
		f() // warm: let reused storage grow once
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs/op", name, n)
		}
	}
}

// parseOnce returns a function parsing a fresh copy of in each time (the
// chunked body is decoded in place), with reused objects.
func parseOnce(t *testing.T, in string) func() {
	p, r := NewParser(Limits{}), new(Request)
	buf := make([]byte, len(in))
	return func() {
		copy(buf, in)
		if n, err := p.Parse(buf, r); n != len(in) || err != nil {
			t.Fatal("parse failed")
		}
	}
}
