package load

import (
	"errors"
	"strings"
	"testing"
)

// feedAll feeds s to a parser split at cut, the way reads would, and
// returns the statuses of the complete responses, then the error (or the
// EOF outcome when eof is set).
func feedAll(t *testing.T, p *respParser, s string, cut int, eof bool) ([]int, error) {
	t.Helper()
	var got []int
	for _, part := range []string{s[:cut], s[cut:]} {
		b := []byte(part)
		for len(b) > 0 {
			n, done, err := p.feed(b)
			b = b[n:]
			if err != nil {
				return got, err
			}
			if !done {
				if len(b) != 0 {
					t.Fatalf("feed stopped with %d bytes left and no response done", len(b))
				}
				break
			}
			got = append(got, p.status)
			p.reset(p.headReq)
		}
	}
	if eof {
		complete, err := p.eof()
		if complete {
			got = append(got, p.status)
		}
		return got, err
	}
	return got, nil
}

func TestParserFraming(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		head     bool
		eof      bool
		statuses []int
		closeC   bool
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\ncontent-length:0\r\n\r\n", false, false, []int{200, 404}, false},
		{"cl with OWS and duplicates", "HTTP/1.1 200 OK\r\nContent-Length:  3 \r\nContent-Length: 3\r\n\r\nabc", false, false, []int{200}, false},
		{"chunked ext trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;name=val\r\nhello\r\nA ; x\r\n0123456789\r\n0;last\r\nX-Trailer: 1\r\nY: 2\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", false, false, []int{200, 201}, false},
		{"head has no body", "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, false, []int{200, 200}, false},
		{"1xx skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, []int{200}, false},
		{"204 and 304 bodiless", "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false, false, []int{204, 304}, false},
		{"close delimited", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody until close", false, true, []int{200}, true},
		{"connection close", "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false, false, []int{200}, true},
		{"http/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, false, []int{200}, true},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", false, false, []int{200}, false},
	}
	for _, tc := range cases {
		for cut := 0; cut <= len(tc.in); cut++ {
			var p respParser
			p.reset(tc.head)
			got, err := feedAll(t, &p, tc.in, cut, tc.eof)
			if err != nil {
				t.Fatalf("%s cut %d: %v", tc.name, cut, err)
			}
			if len(got) != len(tc.statuses) || got[len(got)-1] != tc.statuses[len(got)-1] {
				t.Fatalf("%s cut %d: statuses %v, want %v", tc.name, cut, got, tc.statuses)
			}
		}
		var p respParser
		p.reset(tc.head)
		p.feed([]byte(tc.in))
		if !tc.eof && !tc.closeC && p.closeConn {
			t.Errorf("%s: closeConn set", tc.name)
		}
	}
}

func TestParserCloseFlag(t *testing.T) {
	for in, want := range map[string]bool{
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n":      true,
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n": false,
		"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n":                           true,
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":                           false,
	} {
		var p respParser
		_, done, err := p.feed([]byte(in))
		if err != nil || !done || p.closeConn != want {
			t.Errorf("%q: done %v err %v close %v, want close %v", in, done, err, p.closeConn, want)
		}
	}
}

func TestParserErrors(t *testing.T) {
	cases := map[string]error{
		"garbage\r\n":                                                        errStatusLine,
		"HTTP/2.0 200 OK\r\n":                                                errStatusLine,
		"HTTP/1.1 2x0 OK\r\n":                                                errStatusLine,
		"HTTP/1.1 200 OK\r\nno colon\r\n":                                    errHeaderLine,
		"HTTP/1.1 200 OK\r\nBad : x\r\n":                                     errHeaderLine,
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n":                          errContentLength,
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n":      errContentLength,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n":        errChunkSize,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n":   errChunkEnd,
		"HTTP/1.1 101 Switching Protocols\r\n\r\n":                           errUpgrade,
		"HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", lineSizeMax) + "\r\n": errLineTooLong,
	}
	for in, want := range cases {
		for _, cut := range []int{0, len(in) / 2} {
			var p respParser
			if _, err := feedAll(t, &p, in, cut, false); !errors.Is(err, want) {
				t.Errorf("%.40q cut %d: err %v, want %v", in, cut, err, want)
			}
		}
	}
}

func TestParserEOF(t *testing.T) {
	var p respParser
	if _, err := p.eof(); !errors.Is(err, errClosedIdle) {
		t.Errorf("eof before any byte: %v", err)
	}
	p.feed([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
	if complete, err := p.eof(); complete || !errors.Is(err, errEarlyEOF) {
		t.Errorf("eof mid-body: complete %v err %v", complete, err)
	}
}

func TestParserDoesNotAllocate(t *testing.T) {
	resp := []byte("HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Mon, 23 Nov 2026 00:48:31 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, World!")
	var p respParser
	p.reset(false)
	p.feed(resp[:20]) // grow the split-line buffer once
	p.reset(false)
	allocs := testing.AllocsPerRun(1000, func() {
		p.reset(false)
		p.feed(resp[:50])
		if _, done, err := p.feed(resp[50:]); !done || err != nil {
			t.Fatal("not done")
		}
	})
	if allocs != 0 {
		t.Errorf("parsing allocates %v times per response", allocs)
	}
}
