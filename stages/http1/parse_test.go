package http1

import (
	"strings"
	"testing"
)

func TestParseTable(t *testing.T) {
	for _, c := range parseCases {
		if got := parseWhole(c.lim, []byte(c.in)); !c.matches(got) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.normalized())
		}
	}
}

// TestParseSplit feeds every case in two pieces, split at every byte, the
// second piece in a new array: the outcome must not depend on where reads
// end.
func TestParseSplit(t *testing.T) {
	for _, c := range parseCases {
		in := []byte(c.in)
		whole := parseWhole(c.lim, in)
		for _, k := range splitPoints(len(in)) {
			if got := parseSplit(c.lim, in, k); got != whole {
				t.Errorf("%s split at %d:\n got %v\nwant %v", c.name, k, got, whole)
				break
			}
		}
	}
}

// TestParseBytewise feeds every case one byte at a time, in place and (for
// short inputs) with each prefix in a new array.
func TestParseBytewise(t *testing.T) {
	for _, c := range parseCases {
		in := []byte(c.in)
		whole := parseWhole(c.lim, in)
		if got := parseBytewise(c.lim, in, false); got != whole {
			t.Errorf("%s bytewise:\n got %v\nwant %v", c.name, got, whole)
		}
		if len(in) > 1024 {
			continue
		}
		if got := parseBytewise(c.lim, in, true); got != whole {
			t.Errorf("%s bytewise, new arrays:\n got %v\nwant %v", c.name, got, whole)
		}
	}
}

// splitPoints is every position for short inputs; for the long limit cases
// a sample, which keeps the test quick under -race.
func splitPoints(n int) []int {
	step := 1
	if n > 1024 {
		step = n / 256
	}
	var ks []int
	for k := 0; k <= n; k += step {
		ks = append(ks, k)
	}
	if n > 0 {
		ks = append(ks, n-1)
	}
	return ks
}

// TestParseResumes checks the parser's own bookkeeping: fed a long header
// block one byte at a time, it has examined every byte it was given after
// each call, so the next call starts at the new byte instead of rescanning.
func TestParseResumes(t *testing.T) {
	in := []byte(get11 + strings.Repeat("X-Field: some value\r\n", 90) + "\r\n")
	p, r := NewParser(Limits{}), new(Request)
	for k := 1; k < len(in); k++ {
		n, err := p.Parse(in[:k], r)
		if n != 0 || err != nil {
			t.Fatalf("prefix %d: n=%d err=%v", k, n, err)
		}
		if p.state == stFields && p.pos != k {
			t.Fatalf("prefix %d: examined up to %d", k, p.pos)
		}
	}
	if n, err := p.Parse(in, r); n != len(in) || err != nil || len(r.Fields) != 91 {
		t.Fatalf("complete: n=%d err=%v fields=%d", n, err, len(r.Fields))
	}
}

// TestParseResetsAfterRequest: after a complete request or an error the same
// parser reads the next request from scratch.
func TestParseResetsAfterRequest(t *testing.T) {
	p, r := NewParser(Limits{}), new(Request)
	if _, err := p.Parse([]byte("BREW / HTTP/1.1\r\n"), r); err == nil || err.Status != 501 {
		t.Fatalf("want 501, got %v", err)
	}
	for range 3 {
		in := []byte(post11 + "Content-Length: 2\r\n\r\nhi")
		n, err := p.Parse(in, r)
		if n != len(in) || err != nil || string(r.Body) != "hi" {
			t.Fatalf("n=%d err=%v body=%q", n, err, r.Body)
		}
	}
}

// TestParseZeroParser: a Parser's zero value uses the default limits.
func TestParseZeroParser(t *testing.T) {
	var p Parser
	var r Request
	in := []byte(typicalGET)
	if n, err := p.Parse(in, &r); n != len(in) || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	long := []byte("GET /" + strings.Repeat("a", DefaultMaxTargetBytes))
	if _, err := p.Parse(long, &r); err == nil || err.Status != 414 {
		t.Fatalf("want 414, got %v", err)
	}
}

// TestParseShorterBuffer: a caller that hands a shorter buffer than before
// (a misuse) gets a fresh parse, not a panic.
func TestParseShorterBuffer(t *testing.T) {
	p, r := NewParser(Limits{}), new(Request)
	if n, _ := p.Parse([]byte(get11), r); n != 0 {
		t.Fatal("want need-more")
	}
	in := []byte("GET /x HTTP/1.0\r\n\r\n")
	if n, err := p.Parse(in, r); n != len(in) || err != nil || string(r.Target) != "/x" {
		t.Fatalf("n=%d err=%v target=%q", n, err, r.Target)
	}
}

func TestErrorString(t *testing.T) {
	if got := errTargetLong.Error(); got != "URI Too Long: request target too long" {
		t.Fatal(got)
	}
}

// TestParseHugeLimits: with the body limit at its maximum, lengths near it
// wait for data instead of overflowing offsets.
func TestParseHugeLimits(t *testing.T) {
	l := Limits{MaxBodyBytes: 1<<63 - 1}
	for _, in := range []string{
		post11 + "Content-Length: 9223372036854775807\r\n\r\nabc",
		post11 + "Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc",
	} {
		if got := parseWhole(l, []byte(in)); got.final() {
			t.Errorf("%q: %v", in, got)
		}
	}
}
