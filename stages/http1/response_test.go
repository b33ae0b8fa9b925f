package http1

import "testing"

func TestResponseSetReset(t *testing.T) {
	var r Response
	r.Set("Content-Type", "text/plain")
	r.Set("Allow", "GET, HEAD")
	if len(r.Fields) != 2 || string(r.Fields[1].Name) != "Allow" || string(r.Fields[1].Value) != "GET, HEAD" {
		t.Fatalf("fields %q", r.Fields)
	}
	r.Status, r.Body, r.Close, r.Head, r.Echo10 = 404, []byte("x"), true, true, true
	c := cap(r.Fields)
	r.Reset()
	if r.Status != 0 || r.Body != nil || r.Close || r.Head || r.Echo10 || r.Minor != 1 || len(r.Fields) != 0 || cap(r.Fields) != c {
		t.Fatalf("after reset: %+v", r)
	}

	m := Response{Map: map[string]string{}}
	m.Set("Content-Type", "a")
	m.Set("Content-Type", "b")
	if len(m.Map) != 1 || m.Map["Content-Type"] != "b" || m.Fields != nil {
		t.Fatalf("map %v", m.Map)
	}
	m.Reset()
	if m.Map == nil || len(m.Map) != 0 {
		t.Fatal("reset should keep an empty map")
	}
	r.Set("", "") // empty strings are fine
}

func TestBodiless(t *testing.T) {
	for status, want := range map[int]bool{100: true, 101: true, 199: true, 200: false, 204: true, 205: false, 304: true, 404: false, 500: false} {
		if got := Bodiless(status, false); got != want {
			t.Errorf("Bodiless(%d) = %v", status, got)
		}
		if !Bodiless(status, true) {
			t.Errorf("HEAD %d has a body", status)
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, code := range []int{100, 101, 200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308,
		400, 401, 403, 404, 405, 408, 409, 411, 413, 414, 415, 417, 429, 431, 500, 501, 502, 503, 504, 505} {
		if StatusText(code) == "" {
			t.Errorf("no text for %d", code)
		}
	}
	if StatusText(200) != "OK" || StatusText(431) != "Request Header Fields Too Large" || StatusText(999) != "" {
		t.Error("wrong text")
	}
}
