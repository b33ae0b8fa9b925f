package http1

import "unsafe"

// Set adds the field name: value (or sets it in Map when Map is non-nil).
//
// The Field's slices are read-only views of the strings, not copies: an app
// sets constant header strings on every request, and copying them would be
// the only allocation left on the pooled path. Encoders only read fields;
// nothing may write through these slices.
func (r *Response) Set(name, value string) {
	if r.Map != nil {
		r.Map[name] = value
		return
	}
	r.Fields = append(r.Fields, Field{Name: stringBytes(name), Value: stringBytes(value)})
}

// stringBytes views s as a byte slice without copying. Callers must not
// write to the result.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// Reset clears r for the next response, keeping the Fields array and the
// Map (whose presence is the strategy's choice). Minor goes back to 1, the
// version a response normally carries.
func (r *Response) Reset() {
	clear(r.Fields) // let old bodies and buffers be collected
	clear(r.Map)
	*r = Response{Fields: r.Fields[:0], Map: r.Map, Minor: 1}
}

// Bodiless reports whether a response carries no body bytes: the answer to
// HEAD, and 1xx, 204 and 304 (RFC 9110 §6.4.1).
func Bodiless(status int, head bool) bool {
	return head || noContentLength(status)
}

// noContentLength reports the statuses that never carry Content-Length
// here: 1xx and 204 must not (RFC 9110 §8.6); for 304 it would describe
// another representation, so it is left out.
func noContentLength(status int) bool {
	return status/100 == 1 || status == 204 || status == 304
}
