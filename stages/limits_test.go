package stages

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"latencylab/stages/httpd"
)

func withMaxBody(n int64) serverOption {
	return serverOption{http: func(c *httpd.Config) { c.Limits.MaxBodyBytes = n }}
}

// The read buffer follows the HTTP limits: a body the parser accepts
// (here 1.5 MiB under a 2 MiB limit, more than the core's default buffer
// limit) is read whole and answered.
func TestBodyUpToTheLimitIsServed(t *testing.T) {
	ts := startStage(t, stackbuf(), withEcho(), withMaxBody(2<<20))
	body := bytes.Repeat([]byte("a"), 3<<19)
	c := dial(t, ts.Addr())
	req := fmt.Sprintf("POST /x HTTP/1.1\r\nHost: lab\r\nContent-Length: %d\r\n\r\n", len(body))
	if _, err := c.Write(append([]byte(req), body...)); err != nil {
		t.Fatal(err)
	}
	resp := readResponses(t, bufio.NewReader(c), "POST")[0]
	if resp.StatusCode != 200 || !strings.Contains(bodyOf(resp), `"body":"aaaa`) {
		t.Fatalf("1.5 MiB body under a 2 MiB limit: status %d", resp.StatusCode)
	}
}

// A request that outgrows the read buffer before it completes is answered
// (413 for a body) and closed, never dropped: here a chunked body whose
// 1-byte chunks make the wire six times the data.
func TestInputOverflowGets413(t *testing.T) {
	const limit = 64 << 10
	ts := startStage(t, stackbuf(), withEcho(), withMaxBody(limit))
	var wire strings.Builder
	wire.WriteString("POST /x HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n")
	for wire.Len() < httpd.InputMax(ts.limits())+1024 {
		wire.WriteString("1\r\nx\r\n") // decoded size stays far under the limit
	}
	c := dial(t, ts.Addr())
	go func() { _, _ = c.Write([]byte(wire.String())) }()
	br := bufio.NewReader(c)
	resp := readResponses(t, br, "POST")[0]
	if resp.StatusCode != 413 {
		t.Fatalf("overflowing chunked body: status %d, want 413", resp.StatusCode)
	}
	if closed, _ := closedByPeer(br); !closed {
		t.Fatal("connection not closed after the 413")
	}
	if got := ts.Stats().Rejected["413"]; got != 1 {
		t.Fatalf("rejected[413] = %d, want 1", got)
	}
}

// On the batched stage a response larger than the batch limit leaves on
// its own, in order with the small responses around it.
func TestBatchedLargeResponseInOrder(t *testing.T) {
	ts := startStage(t, batched(), withEcho())
	big := strings.Repeat("b", httpd.DefaultBatchMax+1000)
	small := "POST /s HTTP/1.1\r\nHost: lab\r\nContent-Length: 1\r\n\r\ns"
	burst := small + fmt.Sprintf("POST /big HTTP/1.1\r\nHost: lab\r\nContent-Length: %d\r\n\r\n%s", len(big), big) + small
	c := dial(t, ts.Addr())
	go func() { _, _ = c.Write([]byte(burst)) }()
	resps := readResponses(t, bufio.NewReader(c), "POST", "POST", "POST")
	var bodies []string
	for i, want := range []string{`"target":"/s"`, `"target":"/big"`, `"target":"/s"`} {
		bodies = append(bodies, bodyOf(resps[i]))
		if resps[i].StatusCode != 200 || !strings.Contains(bodies[i], want) {
			t.Fatalf("response %d: status %d, missing %s", i+1, resps[i].StatusCode, want)
		}
	}
	if !strings.Contains(bodies[1], big) {
		t.Fatal("the large response was cut")
	}
}
