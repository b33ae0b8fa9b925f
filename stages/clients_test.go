package stages

import (
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireTool skips with a visible message when a real client is absent.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("SKIP: %s is not installed (.ci/run installs it); this real-client check did not run", name)
	}
	return path
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, requireTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Go's net/http client reuses one connection on the keep-alive stages and
// gets a fresh one per request on the others.
func TestNetHTTPClient(t *testing.T) {
	for _, st := range Ladder() {
		t.Run(st.Name, func(t *testing.T) {
			ts := startStage(t, st)
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: ioTimeout}
			const n = 50
			for i := 0; i < n; i++ {
				resp, err := client.Get("http://" + ts.Addr() + "/plaintext")
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "Hello, World!" {
					t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
				}
			}
			accepted := ts.Stats().ConnectionsAccepted
			if st.HTTP.KeepAlive && accepted != 1 {
				t.Errorf("%d connections for %d keep-alive requests, want 1", accepted, n)
			}
			if !st.HTTP.KeepAlive && accepted != n {
				t.Errorf("%d connections for %d requests on a close-per-request stage, want %d", accepted, n, n)
			}
		})
	}
}

func TestCurl(t *testing.T) {
	ts := startStage(t, defaultStage())
	out := runTool(t, "curl", "-sS", "-i", "--max-time", "5", "http://"+ts.Addr()+"/plaintext")
	if !strings.HasPrefix(out, "HTTP/1.1 200") || !strings.HasSuffix(out, "Hello, World!") {
		t.Fatalf("curl got:\n%s", out)
	}
	out = runTool(t, "curl", "-sS", "-I", "--max-time", "5", "http://"+ts.Addr()+"/plaintext")
	if !strings.Contains(out, "Content-Length: 13") {
		t.Fatalf("curl HEAD got:\n%s", out)
	}
	out = runTool(t, "curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://"+ts.Addr()+"/nope")
	if out != "404" {
		t.Fatalf("curl unknown path: %s", out)
	}
}

// ab -k speaks HTTP/1.0 with Connection: keep-alive: the keep-alive
// stages must echo it and keep every connection.
func TestApacheBenchKeepAlive(t *testing.T) {
	for _, st := range keepAliveStages() {
		t.Run(st.Name, func(t *testing.T) {
			ts := startStage(t, st)
			out := runTool(t, "ab", "-q", "-k", "-n", "2000", "-c", "4", "-s", "5", "http://"+ts.Addr()+"/plaintext")
			if n := abField(t, out, `Failed requests:\s+(\d+)`); n != 0 {
				t.Errorf("ab: %d failed requests\n%s", n, out)
			}
			if n := abField(t, out, `Keep-Alive requests:\s+(\d+)`); n != 2000 {
				t.Errorf("ab: %d keep-alive requests, want 2000\n%s", n, out)
			}
			if accepted := ts.Stats().ConnectionsAccepted; accepted > 4 {
				t.Errorf("ab -k -c 4 opened %d connections", accepted)
			}
		})
	}
}

func abField(t *testing.T, out, pattern string) int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ab output lacks %s:\n%s", pattern, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// wrk with a pipelining script: 16 requests per write, all answered in
// order with 200s.
func TestWrkPipelined(t *testing.T) {
	ts := startStage(t, defaultStage())
	out := runTool(t, "wrk", "-t1", "-c4", "-d1s", "--timeout", "2s", "-s", "testdata/pipeline.lua", "http://"+ts.Addr()+"/plaintext")
	if strings.Contains(out, "Non-2xx") || strings.Contains(out, "Socket errors") {
		t.Fatalf("wrk saw errors:\n%s", out)
	}
	s := ts.Stats()
	if s.RequestsOK < 1000 || s.RequestsError != 0 {
		t.Fatalf("after wrk: ok=%d error=%d\n%s", s.RequestsOK, s.RequestsError, out)
	}
	// Pipelined requests share connections: far fewer connections than
	// requests (wrk may open a spare one of its own).
	if s.ConnectionsAccepted > 8 {
		t.Errorf("wrk -c4 opened %d connections for %d requests", s.ConnectionsAccepted, s.RequestsOK)
	}
}
