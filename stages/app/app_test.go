package app

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"latencylab/stages/http1"
)

func TestPath(t *testing.T) {
	for target, want := range map[string]string{
		"/plaintext":                 "/plaintext",
		"/plaintext?x=1":             "/plaintext",
		"/a#frag":                    "/a",
		"http://lab/plaintext":       "/plaintext",
		"http://lab:8080/stats?full": "/stats",
		"http://lab":                 "/",
		"http://lab?q":               "/",
		"*":                          "*",
		"https://user@lab/x/y?z=1#f": "/x/y",
	} {
		if got := string(Path([]byte(target))); got != want {
			t.Errorf("Path(%q) = %q, want %q", target, got, want)
		}
	}
}

func serve(h Handler, method, target string) *http1.Response {
	req := &http1.Request{Method: []byte(method), Target: []byte(target), Minor: 1}
	resp := &http1.Response{Status: 200, Minor: 1}
	h.Serve(req, resp)
	return resp
}

func header(resp *http1.Response, name string) string {
	for _, f := range resp.Fields {
		if strings.EqualFold(string(f.Name), name) {
			return string(f.Value)
		}
	}
	return ""
}

func TestHelloRoutes(t *testing.T) {
	h := NewHello(func() Stats { return Stats{Stage: "test", Syscalls: map[string]uint64{"read": 1}} })
	if r := serve(h, "GET", "/plaintext"); r.Status != 200 || string(r.Body) != "Hello, World!" || header(r, "Content-Type") != "text/plain" {
		t.Errorf("/plaintext: %d %q %q", r.Status, r.Body, header(r, "Content-Type"))
	}
	if r := serve(h, "HEAD", "/plaintext"); r.Status != 200 {
		t.Errorf("HEAD /plaintext: %d", r.Status)
	}
	if r := serve(h, "DELETE", "/plaintext"); r.Status != 405 || header(r, "Allow") != "GET, HEAD" {
		t.Errorf("DELETE /plaintext: %d Allow %q", r.Status, header(r, "Allow"))
	}
	if r := serve(h, "GET", "/missing"); r.Status != 404 {
		t.Errorf("/missing: %d", r.Status)
	}
	if r := serve(h, "GET", "/"); r.Status != 200 || !strings.Contains(string(r.Body), `href="/stats"`) {
		t.Errorf("/: %d %s", r.Status, r.Body)
	}
	r := serve(h, "GET", "/stats")
	var got map[string]any
	if err := json.Unmarshal(r.Body, &got); err != nil || got["stage"] != "test" {
		t.Fatalf("/stats: %v %s", err, r.Body)
	}
}

func TestEchoDescribesRequest(t *testing.T) {
	req := &http1.Request{Method: []byte("PUT"), Target: []byte("/x?y"), Minor: 0, Body: []byte("hi"),
		Fields: []http1.Field{{Name: []byte("Host"), Value: []byte("lab")}, {Name: []byte("X-A"), Value: []byte("1")}}}
	resp := &http1.Response{}
	Echo{}.Serve(req, resp)
	var got echoed
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Method != "PUT" || got.Target != "/x?y" || got.Version != "HTTP/1.0" || got.Body != "hi" ||
		len(got.Headers) != 2 || got.Headers[1] != [2]string{"X-A", "1"} {
		t.Fatalf("echo: %+v", got)
	}
}

func TestRuntimeCountersMove(t *testing.T) {
	a1, _ := RuntimeCounters()
	for i := 0; i < 100; i++ {
		_ = heapObject()
	}
	a2, _ := RuntimeCounters()
	if a2-a1 < 100 {
		t.Fatalf("heap_allocs moved by %d for 100 allocations", a2-a1)
	}
}

// heapObject returns a new object; returning it from a function the
// compiler may not inline forces it onto the heap.
//
//go:noinline
func heapObject() *[64]byte { return new([64]byte) }

// tinyObject is a pointer-free object under 16 bytes: the tiny allocator
// packs several into one block.
//
//go:noinline
func tinyObject() *[8]byte { return new([8]byte) }

// heap_allocs counts tiny objects one by one, as the contract says, not
// the blocks the tiny allocator packs them into.
func TestRuntimeCountersCountTinyObjects(t *testing.T) {
	const n = 10_000
	runtime.GC() // flush the tiny counts gathered so far
	a1, _ := RuntimeCounters()
	for i := 0; i < n; i++ {
		_ = tinyObject()
	}
	runtime.GC() // flush this P's tiny count into the metric
	a2, _ := RuntimeCounters()
	if got := a2 - a1; got < n*95/100 {
		t.Fatalf("heap_allocs moved by %d for %d tiny allocations", got, n)
	}
}
