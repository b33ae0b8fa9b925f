package profiles

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"latencylab/harness/rundir"
)

// serveController runs the endpoint on a real loopback listener, as lab
// serve --control does.
func serveController(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: NewController(nil), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func post(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(u, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestControllerOverHTTP(t *testing.T) {
	base := serveController(t)
	victim := t.TempDir()
	stop := base + "/profile/stop"

	expect := func(u string, want int) []byte {
		t.Helper()
		code, body := post(t, u)
		if code != want {
			t.Fatalf("POST %s = %d %.200q, want %d", u, code, body, want)
		}
		return body
	}
	expect(stop, http.StatusConflict) // not running
	expect(base+"/profile/start", http.StatusOK)
	expect(base+"/profile/start", http.StatusConflict) // already running
	burnHash(200 * time.Millisecond)
	// The caller cannot choose where files go (issue 19: dir=/etc/cron.d).
	expect(stop+"?dir="+url.QueryEscape(victim), http.StatusBadRequest)
	expect(stop+"?dir=relative/dir", http.StatusBadRequest)
	expect(stop+"?name=cpu", http.StatusBadRequest)
	if ents, _ := os.ReadDir(victim); len(ents) != 0 {
		t.Fatalf("the endpoint wrote files where the caller asked: %v", ents)
	}
	// A refused stop must not have thrown the window away.
	body := expect(stop, http.StatusOK)
	dir := t.TempDir()
	names, err := ExtractArchive(bytes.NewReader(body), dir, MaxArchiveBytes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, FileNames()) {
		t.Fatalf("files = %v, want %v", names, FileNames())
	}
	for _, f := range names[:3] { // the trace is not a pprof file
		mustRead(t, filepath.Join(dir, f))
	}
	expect(stop, http.StatusConflict) // stopped again
}

func TestControllerRejectsGET(t *testing.T) {
	base := serveController(t)
	resp, err := http.Get(base + "/profile/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET start = %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(t.TempDir(), rundir.CPUProfileFile)); err == nil {
		t.Fatal("unexpected file")
	}
}
