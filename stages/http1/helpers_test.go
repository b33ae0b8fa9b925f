package http1

import (
	"fmt"
	"strings"
)

// res is the outcome of parsing one request, as comparable values copied
// out of the buffer (a chunked body is decoded in place, so the buffer is
// not a stable reference). status 0 and n 0 together mean "need more".
type res struct {
	status  int
	n       int
	method  string
	target  string
	minor   int
	host    string
	cl      int64
	chunked bool
	body    string
	keep    bool
	expect  bool
	fields  string // "Name: value\n" per field; compared only when the want sets it
}

func (w res) String() string {
	type plain res // without this method, so that %+v does not recurse
	return fmt.Sprintf("%+v", plain(w))
}

// ok is an accepted request with the usual defaults: no body, persistence
// by version.
func ok(method, target string, minor int, host string) res {
	return res{method: method, target: target, minor: minor, host: host, cl: -1, keep: minor == 1}
}

func (w res) withCL(cl int64, body string) res { w.cl, w.body = cl, body; return w }
func (w res) withChunked(body string) res      { w.chunked, w.body = true, body; return w }
func (w res) withKeep(keep bool) res           { w.keep = keep; return w }
func (w res) withExpect() res                  { w.expect = true; return w }
func (w res) withN(n int) res                  { w.n = n; return w }
func (w res) withFields(f string) res          { w.fields = f; return w }

func reject(status int) res { return res{status: status} }

// outcome copies what Parse returned into a res.
func outcome(n int, err *Error, r *Request) res {
	if err != nil {
		return res{status: err.Status}
	}
	if n == 0 {
		return res{}
	}
	var fields strings.Builder
	for _, f := range r.Fields {
		fmt.Fprintf(&fields, "%s: %s\n", f.Name, f.Value)
	}
	return res{
		n: n, method: string(r.Method), target: string(r.Target), minor: r.Minor,
		host: string(r.Host), cl: r.ContentLength, chunked: r.Chunked, body: string(r.Body),
		keep: r.KeepAlive, expect: r.Expect100, fields: fields.String(),
	}
}

// final reports whether a result ends the parse of one request.
func (w res) final() bool { return w.status != 0 || w.n != 0 }

// clone copies b into a new array of exactly its length, so that the next
// Parse call sees the same bytes at another address.
func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

// parseWhole parses in as one buffer.
func parseWhole(l Limits, in []byte) res {
	var r Request
	n, err := NewParser(l).Parse(clone(in), &r)
	return outcome(n, err, &r)
}

// parseSplit feeds in[:k], then all of in in a new array.
func parseSplit(l Limits, in []byte, k int) res {
	p, r := NewParser(l), new(Request)
	n, err := p.Parse(clone(in[:k]), r)
	if got := outcome(n, err, r); got.final() {
		return got
	}
	n, err = p.Parse(clone(in), r)
	return outcome(n, err, r)
}

// parseBytewise feeds in one more byte per call. With fresh it copies the
// prefix into a new array each time (quadratic: small inputs only);
// otherwise the buffer grows in place as a read buffer does.
func parseBytewise(l Limits, in []byte, fresh bool) res {
	p, r := NewParser(l), new(Request)
	buf := clone(in)
	for k := 0; k <= len(in); k++ {
		b := buf[:k]
		if fresh {
			b = clone(in[:k])
		}
		n, err := p.Parse(b, r)
		if got := outcome(n, err, r); got.final() {
			return got
		}
	}
	return res{}
}

// chunked is a chunked POST with body as its wire body.
func chunked(body string) string {
	return "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body
}
