package stages

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
)

// framingCase is one request whose framing is malformed or ambiguous. The
// server must answer it with status and close, and must never answer the
// request pipelined behind it: a server that reads the framing another way
// than a front end would answer it, which is request smuggling.
type framingCase struct {
	name   string
	send   string // the bad request; smuggled is appended
	status int
}

// smuggled is pipelined behind every framing case. Answering it (200) means
// the server processed bytes after a bad request.
const smuggled = "GET /plaintext HTTP/1.1\r\n" + host + "\r\n"

func post(fields, body string) string {
	return "POST /x HTTP/1.1\r\n" + host + fields + "\r\n" + body
}

func chunkedPost(body string) string { return post("Transfer-Encoding: chunked\r\n", body) }

// framingTable is the outside probe's payload classes, as the project's
// own regression table.
func framingTable() []framingCase {
	return []framingCase{
		// Content-Length together with Transfer-Encoding, in every order and spelling.
		{"CL then TE", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
		{"TE then CL", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400},
		{"CL with TE upper case", post("Content-Length: 5\r\nTRANSFER-ENCODING: CHUNKED\r\n", "0\r\n\r\n"), 400},
		{"CL zero with TE", post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
		// Duplicate and malformed Content-Length.
		{"CL differing duplicates", post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400},
		{"CL list", post("Content-Length: 5, 6\r\n", "hello!"), 400},
		{"CL signed", post("Content-Length: +5\r\n", "hello"), 400},
		{"CL negative", post("Content-Length: -5\r\n", "hello"), 400},
		{"CL hex", post("Content-Length: 0x5\r\n", "hello"), 400},
		{"CL trailing junk", post("Content-Length: 5a\r\n", "hello"), 400},
		{"CL empty", post("Content-Length: \r\n", ""), 400},
		{"CL inner space", post("Content-Length: 1 0\r\n", "0123456789"), 400},
		{"CL overflow", post("Content-Length: 99999999999999999999999\r\n", ""), 400},
		{"CL over the body limit", post("Content-Length: 2000000\r\n", ""), 413},
		// Transfer-Encoding obfuscations.
		{"TE unknown coding", post("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 501},
		{"TE quoted", post("Transfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n"), 501},
		{"TE with parameter", post("Transfer-Encoding: chunked;q=1\r\n", "0\r\n\r\n"), 501},
		{"TE chunked not last", post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 501},
		{"TE chunked twice", post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400},
		{"TE two fields", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
		{"TE space before colon", post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400},
		{"TE obs-fold", post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n"), 400},
		{"TE folded onto another field", post("X-A: b\r\n Transfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
		{"TE vertical tab", post("Transfer-Encoding: \vchunked\r\n", "0\r\n\r\n"), 400},
		{"TE in HTTP/1.0", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		// Chunk size.
		{"chunk size overflow", chunkedPost("fffffffffffffffff\r\n"), 400},
		{"chunk size over the body limit", chunkedPost("200000\r\n"), 413},
		{"chunk size signed", chunkedPost("-1\r\n"), 400},
		{"chunk size hex prefix", chunkedPost("0x5\r\nhello\r\n0\r\n\r\n"), 400},
		{"chunk size missing", chunkedPost("\r\nhello\r\n0\r\n\r\n"), 400},
		{"chunk data too long", chunkedPost("2\r\nhello\r\n0\r\n\r\n"), 400},
		// Chunk extensions (RFC 9112 §7.1.1).
		{"chunk ext empty", chunkedPost("2;\r\nhi\r\n0\r\n\r\n"), 400},
		{"chunk ext no name", chunkedPost("2;=x\r\nhi\r\n0\r\n\r\n"), 400},
		{"chunk ext unclosed quote", chunkedPost("2;a=\"x\r\nhi\r\n0\r\n\r\n"), 400},
		{"chunk ext spaces", chunkedPost("2;a b c\r\nhi\r\n0\r\n\r\n"), 400},
		{"chunk ext after quote", chunkedPost("2;a=\"x\"y\r\nhi\r\n0\r\n\r\n"), 400},
		{"chunk ext semicolons", chunkedPost("2;;;\r\nhi\r\n0\r\n\r\n"), 400},
		// Bare CR and bare LF.
		{"bare LF after request line", "GET /plaintext HTTP/1.1\n" + host + "\r\n", 400},
		{"bare LF in fields", "GET /plaintext HTTP/1.1\r\nDummy: x\nContent-Length: 23\r\n" + host + "\r\n", 400},
		{"bare LF ends head", "GET /plaintext HTTP/1.1\r\n" + host + "\n", 400},
		{"bare LF after chunk size", chunkedPost("2\nhi\r\n0\r\n\r\n"), 400},
		{"bare LF after chunk data", chunkedPost("2\r\nhi\n0\r\n\r\n"), 400},
		{"bare CR in request line", "GET /plaintext HTTP/1.1\r" + host + "\r\n", 400},
		{"bare CR in field", "GET /plaintext HTTP/1.1\r\n" + host + "X: a\rb\r\n\r\n", 400},
		{"bare CR in chunk ext", chunkedPost("2;a\rb\r\nhi\r\n0\r\n\r\n"), 400},
		// NUL bytes.
		{"NUL in target", "GET /plain\x00text HTTP/1.1\r\n" + host + "\r\n", 400},
		{"NUL in method", "GE\x00T /plaintext HTTP/1.1\r\n" + host + "\r\n", 400},
		{"NUL in field name", "GET /plaintext HTTP/1.1\r\n" + host + "X\x00: a\r\n\r\n", 400},
		{"NUL in field value", "GET /plaintext HTTP/1.1\r\n" + host + "X: a\x00\r\n\r\n", 400},
		{"NUL in chunk ext", chunkedPost("2;a=\x00\r\nhi\r\n0\r\n\r\n"), 400},
	}
}

// TestFramingRejected sends every framing case with a request pipelined
// behind it: the case gets its status and a close, the pipelined request
// is never answered, and /stats counts the rejection. On both engines.
func TestFramingRejected(t *testing.T) { hardenedStages(t, framingRejected) }

func framingRejected(t *testing.T, st Stage) {
	ts := startStage(t, st, withEcho())
	for _, fc := range framingTable() {
		t.Run(fc.name, func(t *testing.T) {
			before := ts.Stats()
			c := dial(t, ts.Addr())
			if _, err := c.Write([]byte(fc.send + smuggled)); err != nil {
				t.Fatalf("write: %v", err)
			}
			br := bufio.NewReader(c)
			resp := readResponses(t, br, "POST")[0]
			if resp.StatusCode != fc.status {
				t.Fatalf("status %d, want %d (body %q)", resp.StatusCode, fc.status, bodyOf(resp))
			}
			if !resp.Close {
				t.Errorf("the rejection lacks Connection: close")
			}
			if closed, extra := closedByPeer(br); !closed {
				t.Fatalf("bytes after the rejection (the pipelined request was processed?): %.80q", extra)
			}
			after := ts.Stats()
			if got := after.RequestsTotal - before.RequestsTotal; got != 1 {
				t.Errorf("requests_total rose by %d, want 1", got)
			}
			if got := after.Rejected[itoa(fc.status)] - before.Rejected[itoa(fc.status)]; got != 1 {
				t.Errorf("rejected[%d] rose by %d, want 1", fc.status, got)
			}
		})
	}
}

// Framing that is unusual but valid is read as RFC 9112 says, and the
// request behind it is answered: strictness must not turn into refusing
// legitimate clients.
func TestFramingAcceptedVariants(t *testing.T) { hardenedStages(t, framingAcceptedVariants) }

func framingAcceptedVariants(t *testing.T, st Stage) {
	ts := startStage(t, st, withEcho())
	for name, send := range map[string]string{
		"TE case":              post("Transfer-Encoding: ChUnKeD\r\n", "2\r\nhi\r\n0\r\n\r\n"),
		"TE OWS":               post("Transfer-Encoding: \t chunked \t\r\n", "2\r\nhi\r\n0\r\n\r\n"),
		"TE empty list items":  post("Transfer-Encoding: , chunked\r\n", "2\r\nhi\r\n0\r\n\r\n"),
		"chunk ext quoted":     chunkedPost("2;a=\"q;\\\"x\" ; b=c\r\nhi\r\n0\r\n\r\n"),
		"chunk ext BWS":        chunkedPost("2 ; a = b\r\nhi\r\n0\r\n\r\n"),
		"CL identical fields":  post("Content-Length: 2\r\nContent-Length: 2\r\n", "hi"),
		"CL identical list":    post("Content-Length: 2, 2\r\n", "hi"), // RFC 9110 §8.6: one length either way
		"CL OWS":               post("Content-Length: \t2 \r\n", "hi"),
		"chunk size leading 0": chunkedPost("0002\r\nhi\r\n0\r\n\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			c := dial(t, ts.Addr())
			if _, err := c.Write([]byte(send + smuggled)); err != nil {
				t.Fatalf("write: %v", err)
			}
			resps := readResponses(t, bufio.NewReader(c), "POST", "GET")
			if resps[0].StatusCode != 200 || !strings.Contains(bodyOf(resps[0]), `"body":"hi"`) {
				t.Fatalf("first: status %d body %q", resps[0].StatusCode, bodyOf(resps[0]))
			}
			if resps[1].StatusCode != 200 {
				t.Fatalf("pipelined: status %d", resps[1].StatusCode)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
