package http1

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

var (
	testDate   = []byte("Sun, 06 Nov 1994 08:49:37 GMT")
	testServer = "latencylab"
)

// responseVariants is every combination that changes what an encoder
// writes: status class, HEAD, Connection, Fields or Map, body size and
// version.
func responseVariants() []Response {
	statuses := []int{100, 101, 200, 201, 204, 206, 301, 304, 400, 404, 405, 413, 414, 417, 418, 431, 500, 501, 503, 505}
	bodies := [][]byte{nil, []byte("Hello, World!"), bytes.Repeat([]byte("x"), 5000)}
	var out []Response
	for _, status := range statuses {
		for _, body := range bodies {
			for variant := range 32 {
				r := Response{Status: status, Body: body, Minor: 1 - variant&1,
					Head: variant&2 != 0, Close: variant&4 != 0, Echo10: variant&8 != 0}
				if variant&16 != 0 {
					r.Map = map[string]string{"X-B": "2", "Content-Type": "text/plain", "A-First": "1"}
				} else {
					r.Set("Content-Type", "text/plain; charset=utf-8")
					r.Set("X-Trace", "a b\tc")
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// TestEncodersAgree: the three strategies write the same bytes, and
// ResponseSize predicts them exactly.
func TestEncodersAgree(t *testing.T) {
	for i, r := range responseVariants() {
		a := AppendResponse(nil, &r, testDate, testServer)
		if f := FormatResponse(&r, testDate, testServer); !bytes.Equal(a, f) {
			t.Fatalf("variant %d: append and format differ:\n%q\n%q", i, a, f)
		}
		if n := ResponseSize(&r, testDate, testServer); n != len(a) {
			t.Fatalf("variant %d: size %d, wrote %d", i, n, len(a))
		}
		var stack [4096]byte
		if s := AppendResponse(stack[:0], &r, testDate, testServer); !bytes.Equal(s, a) {
			t.Fatalf("variant %d: stack buffer differs", i)
		}
		if p := AppendResponse([]byte("prefix"), &r, testDate, testServer); string(p) != "prefix"+string(a) {
			t.Fatalf("variant %d: dst prefix not kept", i)
		}
		head := AppendHead(nil, &r, testDate, testServer)
		if !bytes.HasPrefix(a, head) || !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
			t.Fatalf("variant %d: head %q not a prefix of %q", i, head, a)
		}
	}
}

// TestEncodersReadBack parses every encoding with net/http and checks the
// rules: Date, Server, Content-Length unless 1xx/204/304, HEAD's length
// without body bytes, Connection, the fields, and nothing after the body.
func TestEncodersReadBack(t *testing.T) {
	for i, r := range responseVariants() {
		wire := AppendResponse(nil, &r, testDate, testServer)
		if err := readBack(&r, wire); err != "" {
			t.Fatalf("variant %d (%d head=%v): %s\n%q", i, r.Status, r.Head, err, wire)
		}
	}
}

func readBack(r *Response, wire []byte) string {
	method := "GET"
	if r.Head {
		method = "HEAD"
	}
	br := bufio.NewReader(bytes.NewReader(wire))
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return err.Error()
	}
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return err.Error()
	case resp.StatusCode != r.Status || resp.ProtoMinor != r.Minor:
		return "status line " + resp.Status
	case resp.Header.Get("Date") != string(testDate) || resp.Header.Get("Server") != testServer:
		return "Date or Server"
	case resp.Header.Get("Content-Type") == "":
		return "fields missing"
	case br.Buffered() != 0:
		return "bytes after the response"
	}
	if msg := checkLength(r, resp.Header); msg != "" {
		return msg
	}
	if want := string(r.Body); Bodiless(r.Status, r.Head) && len(body) != 0 || !Bodiless(r.Status, r.Head) && string(body) != want {
		return "body " + strconv.Itoa(len(body))
	}
	return checkConnection(r, resp)
}

func checkLength(r *Response, h http.Header) string {
	cl, has := h["Content-Length"]
	if noContentLength(r.Status) {
		if has {
			return "Content-Length on a " + strconv.Itoa(r.Status)
		}
		return ""
	}
	if !has || cl[0] != strconv.Itoa(len(r.Body)) {
		return "Content-Length " + strings.Join(cl, ",")
	}
	return ""
}

// checkConnection: net/http turns "Connection: close" of an HTTP/1.1
// response into resp.Close and drops the field; it leaves it otherwise.
func checkConnection(r *Response, resp *http.Response) string {
	want := ""
	switch {
	case r.Close && r.Minor == 0:
		want = "close"
	case r.Echo10 && !r.Close:
		want = "keep-alive"
	}
	if got := resp.Header.Get("Connection"); got != want || resp.Close != (r.Close || r.Minor == 0 && !r.Echo10) {
		return "Connection " + got
	}
	return ""
}

// TestEncodeGolden pins the exact bytes of the plaintext answer.
func TestEncodeGolden(t *testing.T) {
	var r Response
	r.Reset()
	r.Status = 200
	r.Set("Content-Type", "text/plain")
	r.Body = []byte("Hello, World!")
	want := "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: latencylab\r\n" +
		"Content-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!"
	if got := string(AppendResponse(nil, &r, testDate, testServer)); got != want {
		t.Fatalf("got %q", got)
	}
	r.Head, r.Close = true, true
	want = "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: latencylab\r\n" +
		"Content-Length: 13\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n"
	if got := string(FormatResponse(&r, testDate, "latencylab")); got != want {
		t.Fatalf("HEAD: got %q", got)
	}
	if got := string(AppendResponse(nil, &Response{Status: 204, Minor: 1}, testDate, "")); got != "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n" {
		t.Fatalf("204: got %q", got)
	}
}

// TestMapSorted: Map entries come out in name order.
func TestMapSorted(t *testing.T) {
	r := Response{Status: 200, Minor: 1, Map: map[string]string{}}
	r.Set("Zeta", "z")
	r.Set("Alpha", "a")
	r.Set("Mid", "m")
	got := string(AppendHead(nil, &r, testDate, ""))
	if !strings.Contains(got, "Alpha: a\r\nMid: m\r\nZeta: z\r\n\r\n") || len(r.Fields) != 0 {
		t.Fatalf("got %q", got)
	}
}

func TestDecimalLen(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 99, 100, 12345, -1, -10, 1<<63 - 1, -1 << 63} {
		if got, want := decimalLen(n), len(strconv.Itoa(n)); got != want {
			t.Errorf("decimalLen(%d) = %d, want %d", n, got, want)
		}
	}
}
