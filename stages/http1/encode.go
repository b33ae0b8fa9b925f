package http1

import (
	"maps"
	"slices"
	"strconv"
)

// The append encoders: no fmt, no intermediate buffers, only append and
// strconv.AppendInt. Given a dst with room, they allocate nothing (the Map
// path sorts its keys, which allocates: that path belongs to the naive
// stage). dst only flows into the result, so a caller's stack array stays
// on the stack.

const crlf = "\r\n"

// AppendResponse appends the whole response: header block, then the body
// unless the response is bodiless.
func AppendResponse(dst []byte, r *Response, date []byte, server string) []byte {
	dst = AppendHead(dst, r, date, server)
	if !Bodiless(r.Status, r.Head) {
		dst = append(dst, r.Body...)
	}
	return dst
}

// AppendHead appends the status line and header block, up to and including
// the empty line.
func AppendHead(dst []byte, r *Response, date []byte, server string) []byte {
	dst = append(dst, "HTTP/1."...)
	dst = strconv.AppendInt(dst, int64(r.Minor), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	dst = append(dst, ' ')
	dst = append(dst, StatusText(r.Status)...)
	dst = append(dst, "\r\nDate: "...)
	dst = append(dst, date...)
	dst = append(dst, crlf...)
	if server != "" {
		dst = append(dst, "Server: "...)
		dst = append(dst, server...)
		dst = append(dst, crlf...)
	}
	if !noContentLength(r.Status) {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(r.Body)), 10)
		dst = append(dst, crlf...)
	}
	dst = append(dst, connectionLine(r)...)
	if r.Map != nil {
		dst = appendMap(dst, r.Map)
	} else {
		dst = appendFields(dst, r.Fields)
	}
	return append(dst, crlf...)
}

// connectionLine is the Connection field a response needs, if any: close
// wins over the HTTP/1.0 keep-alive echo.
func connectionLine(r *Response) string {
	switch {
	case r.Close:
		return "Connection: close\r\n"
	case r.Echo10:
		return "Connection: keep-alive\r\n"
	}
	return ""
}

func appendFields(dst []byte, fields []Field) []byte {
	for _, f := range fields {
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, f.Value...)
		dst = append(dst, crlf...)
	}
	return dst
}

// appendMap writes a header map in sorted name order, so that output is
// deterministic and comparable between encoders.
func appendMap(dst []byte, m map[string]string) []byte {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		dst = append(dst, name...)
		dst = append(dst, ": "...)
		dst = append(dst, m[name]...)
		dst = append(dst, crlf...)
	}
	return dst
}

// ResponseSize is the exact number of bytes AppendResponse writes, so that
// a caller can choose a fixed buffer or the heap before encoding.
func ResponseSize(r *Response, date []byte, server string) int {
	n := len("HTTP/1.") + decimalLen(r.Minor) + 1 + decimalLen(r.Status) + 1 + len(StatusText(r.Status)) + 2
	n += len("Date: ") + len(date) + 2
	if server != "" {
		n += len("Server: ") + len(server) + 2
	}
	if !noContentLength(r.Status) {
		n += len("Content-Length: ") + decimalLen(len(r.Body)) + 2
	}
	n += len(connectionLine(r)) + fieldsSize(r) + 2
	if !Bodiless(r.Status, r.Head) {
		n += len(r.Body)
	}
	return n
}

// fieldsSize is the size of the field lines, from Map or Fields.
func fieldsSize(r *Response) int {
	n := 0
	if r.Map != nil {
		for name, value := range r.Map {
			n += len(name) + 2 + len(value) + 2
		}
		return n
	}
	for _, f := range r.Fields {
		n += len(f.Name) + 2 + len(f.Value) + 2
	}
	return n
}

// decimalLen is the length of strconv.AppendInt's output for n.
func decimalLen(n int) int {
	size := 1
	if n < 0 {
		size++
		n = -n // the most negative int stays negative; its length is still right below
	}
	for n >= 10 || n <= -10 {
		n /= 10
		size++
	}
	return size
}
