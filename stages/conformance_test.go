package stages

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// rule is one row of the HTTP/1.1 conformance table (CONTRACTS.md §5). Every
// stage must pass every row; rows differ between stages only in whether the
// connection persists, which is the keepalive stage's declared change.
type rule struct {
	name    string
	echo    bool     // serve the echo app instead of hello
	send    string   // raw bytes
	methods []string // request method per expected response (HEAD-aware reading)
	status  []int    // expected statuses, in order
	body    string   // when set: a substring of the last response body
	header  [2]string
	// closeHeader: the last response says "Connection: close" (net/http
	// moves that header into Response.Close).
	closeHeader bool
	// persist: the connection stays open after the last response on stages
	// that keep alive. Error responses and Connection: close always close.
	persist bool
}

const host = "Host: lab\r\n"

func conformanceTable() []rule {
	long := strings.Repeat("a", 9<<10)
	return []rule{
		{name: "plaintext", send: "GET /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{200}, body: "Hello, World!", header: [2]string{"Content-Type", "text/plain"}, persist: true},
		{name: "head has length, no body", send: "HEAD /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"HEAD"}, status: []int{200}, header: [2]string{"Content-Length", "13"}, persist: true},
		{name: "index", send: "GET / HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{200}, body: "/plaintext", persist: true},
		{name: "unknown path 404", send: "GET /nope HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{404}, persist: true},
		{name: "wrong method 405 with Allow", send: "POST /plaintext HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", methods: []string{"POST"}, status: []int{405}, header: [2]string{"Allow", "GET, HEAD"}, persist: true},
		{name: "query ignored by router", send: "GET /plaintext?x=1 HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{200}, persist: true},
		{name: "http/1.1 connection close", send: "GET /plaintext HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", methods: []string{"GET"}, status: []int{200}, closeHeader: true},
		{name: "http/1.0 closes by default", send: "GET /plaintext HTTP/1.0\r\n\r\n", methods: []string{"GET"}, status: []int{200}},
		{name: "http/1.0 keep-alive echoed", send: "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", methods: []string{"GET"}, status: []int{200}, persist: true},
		{name: "absolute-form target", send: "GET http://lab/plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{200}, body: "Hello", persist: true},
		{name: "leading empty line ignored", send: "\r\nGET /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{200}, persist: true},
		{name: "content-length body", echo: true, send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello", methods: []string{"POST"}, status: []int{200}, body: `"body":"hello"`, persist: true},
		{name: "content-length OWS", echo: true, send: "POST /x HTTP/1.1\r\n" + host + "Content-Length:   5  \r\n\r\nhello", methods: []string{"POST"}, status: []int{200}, body: `"body":"hello"`, persist: true},
		{name: "identical content-length duplicates", echo: true, send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", methods: []string{"POST"}, status: []int{200}, persist: true},
		{name: "differing content-length 400", send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", methods: []string{"POST"}, status: []int{400}},
		{name: "signed content-length 400", send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\nhello", methods: []string{"POST"}, status: []int{400}},
		{name: "chunked with extension and trailer", echo: true, send: "POST /x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-X: y\r\n\r\n", methods: []string{"POST"}, status: []int{200}, body: `"body":"hello world"`, persist: true},
		{name: "bad chunk size 400", send: "POST /x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", methods: []string{"POST"}, status: []int{400}},
		{name: "content-length with transfer-encoding 400", send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", methods: []string{"POST"}, status: []int{400}},
		{name: "unknown transfer coding 501", send: "POST /x HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", methods: []string{"POST"}, status: []int{501}},
		{name: "missing host 400", send: "GET /plaintext HTTP/1.1\r\n\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "duplicate host 400", send: "GET /plaintext HTTP/1.1\r\n" + host + host + "\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "expect 100-continue", echo: true, send: "POST /x HTTP/1.1\r\n" + host + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", methods: []string{"POST"}, status: []int{200}, body: `"body":"hi"`, persist: true},
		{name: "other expectation 417", send: "POST /x HTTP/1.1\r\n" + host + "Expect: teapot\r\nContent-Length: 0\r\n\r\n", methods: []string{"POST"}, status: []int{417}},
		{name: "header block over 8 KiB 431", send: "GET /plaintext HTTP/1.1\r\n" + host + "X-Big: " + long + "\r\n\r\n", methods: []string{"GET"}, status: []int{431}},
		{name: "target over 8 KiB 414", send: "GET /" + long + " HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{414}},
		{name: "body over limit 413", send: "POST /x HTTP/1.1\r\n" + host + "Content-Length: 2000000\r\n\r\n", methods: []string{"POST"}, status: []int{413}},
		{name: "bare CR 400", send: "GET /plaintext HTTP/1.1\r\n" + host + "X-A: b\rc\r\n\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "NUL 400", send: "GET /plaintext HTTP/1.1\r\n" + host + "X-A: b\x00c\r\n\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "space before colon 400", send: "GET /plaintext HTTP/1.1\r\n" + host + "X-A : b\r\n\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "bad header token 400", send: "GET /plaintext HTTP/1.1\r\n" + host + "X(A): b\r\n\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "bad version syntax 400", send: "GET /plaintext HTTP/1.x\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "http/2.0 505", send: "GET /plaintext HTTP/2.0\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{505}},
		{name: "unknown method 501", send: "BREW /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{501}},
		{name: "nothing after a bad request is processed", send: "GET /plaintext HTTP/1.1\r\n\r\nGET /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET"}, status: []int{400}},
		{name: "pipelined requests answered in order", send: "GET /plaintext HTTP/1.1\r\n" + host + "\r\nGET /nope HTTP/1.1\r\n" + host + "\r\nHEAD /plaintext HTTP/1.1\r\n" + host + "\r\n", methods: []string{"GET", "GET", "HEAD"}, status: []int{200, 404, 200}, persist: true},
	}
}

// TestConformance runs the whole table against every stage of the ladder.
func TestConformance(t *testing.T) {
	for _, st := range Ladder() {
		t.Run(st.Name, func(t *testing.T) {
			hello := startStage(t, st)
			echo := startStage(t, st, withEcho())
			for _, r := range conformanceTable() {
				t.Run(r.name, func(t *testing.T) {
					addr := hello.Addr()
					if r.echo {
						addr = echo.Addr()
					}
					checkRule(t, st, addr, r)
				})
			}
		})
	}
}

func checkRule(t *testing.T, st Stage, addr string, r rule) {
	c := dial(t, addr)
	if _, err := c.Write([]byte(r.send)); err != nil {
		t.Fatalf("write: %v", err)
	}
	br := bufio.NewReader(c)
	methods, status := r.methods, r.status
	if !st.HTTP.KeepAlive && len(methods) > 1 {
		// A stage without keep-alive answers the first request and closes.
		methods, status = methods[:1], status[:1]
	}
	resps := readResponses(t, br, methods...)
	for i, resp := range resps {
		if resp.StatusCode == 100 {
			t.Fatalf("response %d: unexpected interim 100", i+1)
		}
		if resp.StatusCode != status[i] {
			t.Fatalf("response %d: status %d, want %d", i+1, resp.StatusCode, status[i])
		}
		checkCommonHeaders(t, resp)
	}
	last := resps[len(resps)-1]
	if r.body != "" && !strings.Contains(bodyOf(last), r.body) {
		t.Errorf("body %q does not contain %q", bodyOf(last), r.body)
	}
	if r.header[0] != "" && last.Header.Get(r.header[0]) != r.header[1] {
		t.Errorf("%s: %q, want %q", r.header[0], last.Header.Get(r.header[0]), r.header[1])
	}
	if r.closeHeader && !last.Close {
		t.Errorf("response lacks Connection: close")
	}
	checkPersistence(t, st, c, br, r, last)
}

// checkCommonHeaders: every response carries Date, Server and, unless
// bodiless by rule, Content-Length.
func checkCommonHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for _, h := range []string{"Date", "Server"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("response %d lacks %s", resp.StatusCode, h)
		}
	}
	if resp.ContentLength < 0 {
		t.Errorf("response %d lacks Content-Length", resp.StatusCode)
	}
}

// checkPersistence: the connection stays usable exactly when the rule and
// the stage say so; otherwise the server closes it with nothing more sent.
func checkPersistence(t *testing.T, st Stage, c interface{ Write([]byte) (int, error) }, br *bufio.Reader, r rule, last *http.Response) {
	t.Helper()
	if r.persist && st.HTTP.KeepAlive {
		if strings.Contains(r.send, "HTTP/1.0") && last.Header.Get("Connection") != "keep-alive" {
			t.Errorf("HTTP/1.0 keep-alive not echoed: Connection %q", last.Header.Get("Connection"))
		}
		if _, err := c.Write([]byte("GET /plaintext HTTP/1.1\r\n" + host + "\r\n")); err != nil {
			t.Fatalf("second request on a persistent connection: %v", err)
		}
		if resp := readResponses(t, br, "GET")[0]; resp.StatusCode != 200 {
			t.Fatalf("second request: status %d", resp.StatusCode)
		}
		return
	}
	if closed, extra := closedByPeer(br); !closed {
		t.Errorf("connection not closed after the response (extra bytes: %q)", fmt.Sprintf("%.60s", extra))
	}
}
