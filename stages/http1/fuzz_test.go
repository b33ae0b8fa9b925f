package http1

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"
)

// fuzzLimits are small so that short inputs reach every limit.
var fuzzLimits = Limits{MaxTargetBytes: 64, MaxHeaderBytes: 512, MaxHeaders: 12, MaxBodyBytes: 256}

// FuzzParse checks the parser's invariants on any input: no panic, n within
// the buffer, an outcome that does not depend on how the input is split
// into reads, and agreement with net/http on requests both accept. The
// corpus in testdata/fuzz/FuzzParse runs with plain go test.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add([]byte(c.in))
	}
	f.Add([]byte(typicalGET + typicalGET))
	f.Fuzz(func(t *testing.T, in []byte) {
		whole := checkWhole(t, in)
		for _, k := range []int{len(in) / 2, len(in) / 3, 1, len(in) - 1} {
			if k > 0 && k < len(in) {
				if got := parseSplit(fuzzLimits, in, k); got != whole {
					t.Fatalf("split at %d:\n got %v\nwant %v", k, got, whole)
				}
			}
		}
		if len(in) <= 4096 {
			if got := parseBytewise(fuzzLimits, in, false); got != whole {
				t.Fatalf("bytewise:\n got %v\nwant %v", got, whole)
			}
		}
		if whole.n > 0 {
			compareNetHTTP(t, in, whole)
			checkReuse(t, in)
		}
	})
}

// checkReuse parses the pipelined requests in in with one parser and one
// Request: each must come out as a fresh parser and Request read it, so no
// state leaks from one request into the next.
func checkReuse(t *testing.T, in []byte) {
	t.Helper()
	p, r, buf := NewParser(fuzzLimits), new(Request), clone(in)
	for i := 0; i < 8 && len(buf) > 0; i++ {
		fresh := parseWhole(fuzzLimits, buf)
		n, err := p.Parse(buf, r)
		if got := outcome(n, err, r); got != fresh {
			t.Fatalf("request %d with a reused parser:\n got %v\nwant %v", i, got, fresh)
		}
		if n == 0 {
			return
		}
		buf = buf[n:]
	}
}

// checkWhole parses in once and checks the result's shape.
func checkWhole(t *testing.T, in []byte) res {
	t.Helper()
	var r Request
	n, err := NewParser(fuzzLimits).Parse(clone(in), &r)
	switch {
	case n < 0 || n > len(in):
		t.Fatalf("n=%d for %d bytes", n, len(in))
	case err != nil && n != 0:
		t.Fatalf("n=%d with error %v", n, err)
	case err != nil && StatusText(err.Status) == "":
		t.Fatalf("unknown status %d", err.Status)
	case n > 0 && r.Chunked && r.ContentLength != -1:
		t.Fatalf("chunked with length %d", r.ContentLength)
	case n > 0 && !r.Chunked && int64(len(r.Body)) != max(r.ContentLength, 0):
		t.Fatalf("body %d bytes, length %d", len(r.Body), r.ContentLength)
	case n > 0 && int64(len(r.Body)) > fuzzLimits.MaxBodyBytes:
		t.Fatalf("body over the limit: %d", len(r.Body))
	}
	return outcome(n, err, &r)
}

// compareNetHTTP reads the first request of in with net/http; where it
// accepts it too, both must see the same request.
func compareNetHTTP(t *testing.T, in []byte, ours res) {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(in)))
	if err != nil {
		return
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	minor := min(req.ProtoMinor, 1)
	wantLength := max(ours.cl, 0)
	if ours.chunked {
		wantLength = -1
	}
	switch {
	case req.Method != ours.method || req.RequestURI != ours.target:
		t.Fatalf("request line: net/http %q %q, ours %q %q", req.Method, req.RequestURI, ours.method, ours.target)
	case req.ProtoMajor != 1 || minor != ours.minor:
		t.Fatalf("version: net/http %d.%d, ours 1.%d", req.ProtoMajor, req.ProtoMinor, ours.minor)
	case originForm(ours.target) && req.Host != ours.host:
		t.Fatalf("host: net/http %q, ours %q", req.Host, ours.host)
	case req.ContentLength != wantLength:
		t.Fatalf("length: net/http %d, ours %d chunked=%v", req.ContentLength, ours.cl, ours.chunked)
	case string(body) != ours.body:
		t.Fatalf("body: net/http %q, ours %q", body, ours.body)
	}
}

// originForm: net/http takes Host from the target in the other forms.
func originForm(target string) bool {
	return target != "" && (target[0] == '/' || target == "*")
}
