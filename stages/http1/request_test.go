package http1

import (
	"maps"
	"testing"
)

func parsed(t *testing.T, in string) *Request {
	t.Helper()
	r := new(Request)
	if n, err := NewParser(Limits{}).Parse([]byte(in), r); n != len(in) || err != nil {
		t.Fatalf("parse: n=%d err=%v", n, err)
	}
	return r
}

func TestRequestHeader(t *testing.T) {
	r := parsed(t, get11+"X-Dup: one\r\nx-dup: two\r\nAccept: */*\r\nEmpty:\r\n\r\n")
	for _, lookup := range []func(string) []byte{r.Header, func(n string) []byte { r.BuildMap(); return r.Header(n) }} {
		if got := string(lookup("x-DUP")); got != "one" {
			t.Errorf("X-Dup: %q", got)
		}
		if got := string(lookup("ACCEPT")); got != "*/*" {
			t.Errorf("Accept: %q", got)
		}
		if got := lookup("Empty"); got == nil || len(got) != 0 {
			t.Errorf("Empty: %q", got)
		}
		if got := lookup("Missing"); got != nil {
			t.Errorf("Missing: %q", got)
		}
	}
}

func TestRequestBuildMap(t *testing.T) {
	r := parsed(t, get11+"X-Dup: one\r\nX-DUP: two\r\n\r\n")
	r.BuildMap()
	want := map[string]string{"host": "h", "x-dup": "one"}
	if !maps.Equal(r.Map, want) {
		t.Fatalf("map %v", r.Map)
	}
	r.Fields = r.Fields[:1]
	r.BuildMap() // reuses the map
	if !maps.Equal(r.Map, map[string]string{"host": "h"}) {
		t.Fatalf("rebuilt map %v", r.Map)
	}
}

// TestRequestParseDropsMap: a map built for one request does not answer for
// the next one parsed into the same Request.
func TestRequestParseDropsMap(t *testing.T) {
	r := parsed(t, get11+"X: 1\r\n\r\n")
	r.BuildMap()
	in := "GET / HTTP/1.1\r\nHost: other\r\n\r\n"
	if n, _ := NewParser(Limits{}).Parse([]byte(in), r); n != len(in) || r.Map != nil || r.Header("X") != nil {
		t.Fatalf("stale map %v", r.Map)
	}
}

func TestRequestReset(t *testing.T) {
	r := parsed(t, typicalGET)
	r.BuildMap()
	c := cap(r.Fields)
	r.Reset()
	if r.Method != nil || r.Map != nil || len(r.Fields) != 0 || cap(r.Fields) != c || r.ContentLength != -1 || r.KeepAlive {
		t.Fatalf("after reset: %+v", r)
	}
}
