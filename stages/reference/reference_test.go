package reference

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"latencylab/stages/app"
)

// start runs the named server on a free loopback port and stops it when the
// test ends, checking that Serve returns nil after Shutdown.
func start(t *testing.T, name string) string {
	t.Helper()
	srv, err := New(name, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	})
	return "http://" + srv.Addr()
}

// do sends one request with a fresh client and returns the response and body.
func do(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, string(body)
}

func TestNames(t *testing.T) {
	names := Names()
	if strings.Join(names, ",") != "nethttp,fasthttp" {
		t.Fatalf("Names() = %v", names)
	}
	if _, err := New("nope", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "nethttp") {
		t.Errorf("New(unknown) error = %v, want one listing the names", err)
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, name := range Names() {
		if _, err := New(name, ln.Addr().String()); err == nil {
			t.Errorf("%s: New on a port in use succeeded", name)
		}
	}
}

func TestHelloContract(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			base := start(t, name)
			checkPlaintext(t, base)
			checkHead(t, base)
			checkIndex(t, base)
			checkErrors(t, base)
			checkStats(t, base, name)
		})
	}
}

func checkPlaintext(t *testing.T, base string) {
	resp, body := do(t, "GET", base+"/plaintext")
	if resp.StatusCode != 200 || body != "Hello, World!" {
		t.Errorf("GET /plaintext = %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	if resp.Header.Get("Server") == "" {
		t.Errorf("no Server header")
	}
	if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
		t.Errorf("Date %q: %v", resp.Header.Get("Date"), err)
	}
	if resp.ContentLength != 13 {
		t.Errorf("Content-Length = %d, want 13", resp.ContentLength)
	}
}

func checkHead(t *testing.T, base string) {
	resp, body := do(t, "HEAD", base+"/plaintext")
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD /plaintext = %d %q", resp.StatusCode, body)
	}
	if resp.ContentLength != 13 {
		t.Errorf("HEAD Content-Length = %d, want 13", resp.ContentLength)
	}
}

func checkIndex(t *testing.T, base string) {
	resp, body := do(t, "GET", base+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/plaintext"`) || !strings.Contains(body, `href="/stats"`) {
		t.Errorf("GET / = %d %q", resp.StatusCode, body)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("index Content-Type = %q", resp.Header.Get("Content-Type"))
	}
}

func checkErrors(t *testing.T, base string) {
	if resp, _ := do(t, "GET", base+"/nope"); resp.StatusCode != 404 {
		t.Errorf("GET /nope = %d, want 404", resp.StatusCode)
	}
	for _, path := range []string{"/plaintext", "/", "/stats"} {
		resp, _ := do(t, "POST", base+path)
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST %s = %d Allow %q, want 405 with Allow: GET, HEAD", path, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

func checkStats(t *testing.T, base, name string) {
	resp, body := do(t, "GET", base+"/stats")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /stats = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var st app.Stats
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("stats JSON: %v\n%s", err, body)
	}
	// Before this one: 3 ok (plaintext, HEAD, index) and 4 errors (404, three 405s).
	if st.Stage != name || st.RequestsOK != 4 || st.RequestsError != 4 || st.RequestsTotal != 8 {
		t.Errorf("stats = %+v, want stage %s, 4 ok, 4 errors, 8 total", st, name)
	}
	if st.HeapAllocs == 0 || st.ConnectionsAccepted == 0 || st.Syscalls == nil {
		t.Errorf("stats = %+v, want heap allocs, accepted connections and a syscalls object", st)
	}
	if !strings.Contains(body, `"syscalls":{}`) {
		t.Errorf("syscalls is not an empty object: %s", body)
	}
}
