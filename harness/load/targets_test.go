package load

import (
	"bufio"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"latencylab/harness/loadmode"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadTargets(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "body.json", `{"a":1}`)
	path := writeFile(t, dir, "targets.http", `# a comment
GET http://127.0.0.1:8080/a
X-One: 1

POST http://127.0.0.1:8080/b weight=3
Content-Type: application/json
@body.json

HEAD http://127.0.0.1:8080/c?q=1
`)
	ts, err := ReadTargets(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 {
		t.Fatalf("%d targets: %+v", len(ts), ts)
	}
	a, b, c := ts[0], ts[1], ts[2]
	switch {
	case a.Method != "GET" || a.URL != "http://127.0.0.1:8080/a" || len(a.Headers) != 1 || a.Weight != 1 || a.Body != nil:
		t.Errorf("first: %+v", a)
	case b.Method != "POST" || b.Weight != 3 || string(b.Body) != `{"a":1}` || b.Headers[0] != "Content-Type: application/json":
		t.Errorf("second: %+v", b)
	case c.Method != "HEAD" || c.URL != "http://127.0.0.1:8080/c?q=1":
		t.Errorf("third: %+v", c)
	}
}

// Every bad line is reported with its file and line number.
func TestReadTargetsErrors(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]string{
		"":                                    "no target",
		"# only a comment\n":                  "no target",
		"GET\n":                               "targets.http:1: ",
		"GET http://127.0.0.1:1/ heavy\n":     "targets.http:1: \"heavy\": want weight=N",
		"GET http://127.0.0.1:1/ weight=0\n":  "targets.http:1: ",
		"G(T http://127.0.0.1:1/\n":           "targets.http:1: method",
		"GET ftp://127.0.0.1:1/\n":            "targets.http:1: URL",
		"GET http://127.0.0.1:1/\nno colon\n": "targets.http:2: header",
		"GET http://127.0.0.1:1/\nContent-Length: 3\n":          "targets.http:2: ",
		"GET http://127.0.0.1:1/\n@missing.bin\n":               "targets.http:2: body",
		"GET http://127.0.0.1:1/\n@\n":                          "targets.http:2: @ without a path",
		"GET http://127.0.0.1:1/\n\nGET http://other:1/\n":      "targets.http:3: http://other:1/ is not on http://127.0.0.1:1",
		"GET http://127.0.0.1:1/\n\nGET https://127.0.0.1:1/\n": "targets.http:3: ",
	} {
		path := writeFile(t, dir, "targets.http", text)
		_, err := ReadTargets(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want it to contain %q", text, err, want)
		}
	}
	if _, err := ReadTargets(filepath.Join(dir, "absent")); err == nil {
		t.Error("a missing file was read")
	}
}

// rr walks every connection through every target; random and weighted
// give each target its share; every pick is a function of (connection, request),
// so a rerun, or a shard, repeats it.
func TestPicker(t *testing.T) {
	ts := []Target{{Weight: 1}, {Weight: 3}, {Weight: 6}}
	const conns, perConn = 10, 20_000
	for _, c := range []struct {
		how   Pick
		share []float64
	}{
		{PickRoundRobin, []float64{1. / 3, 1. / 3, 1. / 3}},
		{PickRandom, []float64{1. / 3, 1. / 3, 1. / 3}},
		{PickWeighted, []float64{0.1, 0.3, 0.6}},
	} {
		p := newPicker(c.how, ts, 7)
		again := newPicker(c.how, ts, 7)
		count := make([]float64, len(ts))
		for g := range conns {
			for k := range int64(perConn) {
				i := p.pick(g, k)
				if again.pick(g, k) != i {
					t.Fatalf("%v: pick(%d, %d) is not repeatable", c.how, g, k)
				}
				count[i]++
			}
		}
		for i := range count {
			if got := count[i] / (conns * perConn); math.Abs(got-c.share[i]) > 0.01 {
				t.Errorf("%v: target %d got %.3f of the requests, want %.3f", c.how, i, got, c.share[i])
			}
		}
	}
	p := newPicker(PickRoundRobin, ts, 0)
	for g := range 6 { // 6 connections, 3 targets: each one still visits all three
		for k := range int64(3) {
			if got := p.pick(g, k); got != int32((int64(g)+k)%3) {
				t.Fatalf("rr: connection %d request %d picked %d", g, k, got)
			}
		}
	}
}

// mixServer answers by path: /missing is 404, a HEAD gets headers only
// (with a Content-Length a body would have), a POST must carry its body.
func mixServer(t *testing.T) *rawServer {
	return startRaw(t, func(c net.Conn, r *bufio.Reader) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			method, rest, _ := strings.Cut(line, " ")
			path, _, _ := strings.Cut(rest, " ")
			cl := 0
			for {
				h, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if h == "\r\n" {
					break
				}
				if v, ok := strings.CutPrefix(strings.ToLower(h), "content-length: "); ok {
					if cl, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
						return
					}
				}
			}
			if _, err := r.Discard(cl); err != nil {
				return
			}
			resp := okResponse
			switch {
			case path == "/missing":
				resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"
			case method == "HEAD":
				resp = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
			case method == "POST" && cl == 0:
				resp = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
			}
			if _, err := c.Write([]byte(resp)); err != nil {
				return
			}
		}
	})
}

// A mix of GET, HEAD (no body in its response), POST with a body and a
// 404, pipelined so that the different requests share one write: each
// target's results are its own, and they add up to the run's.
func TestTargetsMix(t *testing.T) {
	s := mixServer(t)
	base := "http://" + s.ln.Addr().String()
	dir := t.TempDir()
	writeFile(t, dir, "body.txt", "hello")
	path := writeFile(t, dir, "t.http", "GET "+base+"/a\n\nHEAD "+base+"/h\n\nPOST "+base+"/p\n@body.txt\n\nGET "+base+"/missing\n")
	ts, err := ReadTargets(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := quick("")
	cfg.Targets = ts
	cfg.Mode = loadmode.Mode{Kind: loadmode.Pipeline, Depth: 4}
	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum := res.Summary
	if len(sum.Targets) != 4 || sum.URL != base || sum.TargetsPick != "rr" {
		t.Fatalf("url %q pick %q targets %+v", sum.URL, sum.TargetsPick, sum.Targets)
	}
	var total int64
	for i, tr := range sum.Targets {
		total += tr.Requests
		want := "200"
		if i == 3 {
			want = "404"
		}
		if tr.Requests < 10 || tr.Statuses[want] != tr.Requests || tr.Latency.Count != tr.Requests {
			t.Errorf("target %d %s %s: %+v, want all %s", i, tr.Method, tr.URL, tr, want)
		}
	}
	if total != sum.Requests || sum.Targets[3].Errors != sum.Targets[3].Requests || sum.Errors["parse"] != 0 {
		t.Errorf("targets add up to %d of %d requests; errors %v", total, sum.Requests, sum.Errors)
	}
}

// Sharded agents of a mix pick exactly what the whole plan would: their
// per-target counts add up in lab merge, and each agent's share of a
// target is what the picker gives its connections.
func TestTargetsShardedMerge(t *testing.T) {
	s := mixServer(t)
	base := "http://" + s.ln.Addr().String()
	dir := t.TempDir()
	path := writeFile(t, dir, "t.http", "GET "+base+"/a weight=1\n\nGET "+base+"/b weight=2\n\nGET "+base+"/c weight=5\n")
	ts, err := ReadTargets(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := quick("")
	cfg.Targets, cfg.Pick, cfg.Seed = ts, PickWeighted, 42
	cfg.Conns, cfg.Rate, cfg.Duration, cfg.Warmup = 6, 1200, time.Second, 200*time.Millisecond
	paths := runAgents(t, cfg, 2, dir)
	m, err := Merge(paths)
	if err != nil {
		t.Fatal(err)
	}
	sum := m.Summary
	var total, samples int64
	for _, tr := range sum.Targets {
		total += tr.Requests
		samples += tr.Latency.Count
	}
	if total != sum.Requests || samples != sum.Requests || len(sum.Targets) != 3 {
		t.Fatalf("merged targets add up to %d requests (%d latency samples), the run %d: %+v", total, samples, sum.Requests, sum.Targets)
	}
	if sum.Targets[2].Requests < 2*sum.Targets[0].Requests {
		t.Errorf("weights 1:2:5 gave %d, %d, %d", sum.Targets[0].Requests, sum.Targets[1].Requests, sum.Targets[2].Requests)
	}
}

func TestTargetsConfigErrors(t *testing.T) {
	ts := []Target{{Method: "GET", URL: "http://127.0.0.1:1/a", Weight: 1}, {Method: "GET", URL: "http://127.0.0.1:2/b", Weight: 1}}
	cfg := quick("")
	cfg.Targets = ts
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "one run loads one server") {
		t.Errorf("two servers: %v", err)
	}
	cfg.Targets = ts[:1]
	cfg.URL = "http://127.0.0.1:1/"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "exclusive") {
		t.Errorf("URL and targets: %v", err)
	}
}

func writeFileErr(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }
