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
	return func(c *httpd.Config) { c.Limits.MaxBodyBytes = n }
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
