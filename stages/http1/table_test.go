package http1

import "strings"

// typicalGET is the ~200-byte request of the benchmarks and allocation
// tests: what a browser-like client sends for a small resource.
const typicalGET = "GET /plaintext HTTP/1.1\r\n" +
	"Host: localhost:8080\r\n" +
	"User-Agent: latencylab-load/1.0 (linux; amd64)\r\n" +
	"Accept: text/plain,text/html;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Connection: keep-alive\r\n\r\n"

// small limits make the limit cases short enough to split at every byte.
var small = Limits{MaxTargetBytes: 16, MaxHeaderBytes: 64, MaxHeaders: 3, MaxBodyBytes: 10}

type parseCase struct {
	name string
	in   string
	lim  Limits // zero: the defaults
	want res    // n 0 in an accepted want means len(in)
}

const (
	get11  = "GET / HTTP/1.1\r\nHost: h\r\n"
	post11 = "POST /p HTTP/1.1\r\nHost: h\r\n"
)

// parseCases is every rule of the parser, as input and outcome.
var parseCases = []parseCase{
	// Request line.
	{name: "simple", in: get11 + "\r\n", want: ok("GET", "/", 1, "h").withFields("Host: h\n")},
	{name: "typical", in: typicalGET, want: ok("GET", "/plaintext", 1, "localhost:8080").withFields(
		"Host: localhost:8080\nUser-Agent: latencylab-load/1.0 (linux; amd64)\n" +
			"Accept: text/plain,text/html;q=0.9,*/*;q=0.8\nAccept-Encoding: gzip, deflate, br\nConnection: keep-alive\n")},
	{name: "head", in: "HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("HEAD", "/x", 1, "h")},
	{name: "put", in: "PUT /x HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("PUT", "/x", 1, "h")},
	{name: "delete", in: "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("DELETE", "/x", 1, "h")},
	{name: "patch", in: "PATCH /x HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("PATCH", "/x", 1, "h")},
	{name: "trace", in: "TRACE /x HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("TRACE", "/x", 1, "h")},
	{name: "options asterisk", in: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("OPTIONS", "*", 1, "h")},
	{name: "connect authority", in: "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", want: ok("CONNECT", "h:443", 1, "h:443")},
	{name: "absolute form", in: "GET http://example.com/a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n",
		want: ok("GET", "http://example.com/a?b=c", 1, "example.com")},
	{name: "target obs-text", in: "GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", want: ok("GET", "/\xc3\xa9", 1, "h")},
	{name: "leading CRLF", in: "\r\n\r\n" + get11 + "\r\n", want: ok("GET", "/", 1, "h")},
	// Bare LF ends no line (strict, as llhttp): a front end that does not
	// accept it would see other message boundaries.
	{name: "leading LF", in: "\n\n" + get11 + "\r\n", want: reject(400)},
	{name: "bare LF lines", in: "GET / HTTP/1.1\nHost: h\nX: y\n\n", want: reject(400)},
	{name: "bare LF after version", in: "GET / HTTP/1.1\nHost: h\r\n\r\n", want: reject(400)},
	{name: "bare LF in field", in: get11 + "X: a\nY: b\r\n\r\n", want: reject(400)},
	{name: "bare LF ends head", in: get11 + "\n", want: reject(400)},
	{name: "bare LF smuggles", in: get11 + "Dummy: x\nContent-Length: 23\r\n\r\nGET /admin HTTP/1.1\r\n\r\n", want: reject(400)},
	{name: "bare LF in trailer", in: post11 + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n", want: reject(400)},
	{name: "http/1.0 no host", in: "GET / HTTP/1.0\r\n\r\n", want: ok("GET", "/", 0, "")},
	{name: "http/1.2 is 1.1", in: "GET / HTTP/1.2\r\nHost: h\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "http/1.9 is 1.1", in: "GET / HTTP/1.9\r\nHost: h\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "bad method token", in: "G(ET / HTTP/1.1\r\n", want: reject(400)},
	{name: "NUL in method", in: "GE\x00T / HTTP/1.1\r\n", want: reject(400)},
	{name: "leading space", in: " GET / HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "TLS hello", in: "\x16\x03\x01\x02\x00\x01", want: reject(400)},
	{name: "unknown method", in: "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(501)},
	{name: "lowercase method", in: "get / HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(501)},
	{name: "long method token", in: strings.Repeat("M", 40), want: reject(501)},
	{name: "empty target", in: "GET  HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "double space", in: "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "NUL in target", in: "GET /\x00 HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "DEL in target", in: "GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "tab in target", in: "GET /\t HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "http/0.9 line", in: "GET /\r\n\r\n", want: reject(400)},
	{name: "target at limit", lim: small, in: "GET /" + strings.Repeat("a", 15) + " HTTP/1.1\r\nHost: h\r\n\r\n",
		want: ok("GET", "/"+strings.Repeat("a", 15), 1, "h")},
	{name: "target over limit", lim: small, in: "GET /" + strings.Repeat("a", 16) + " HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(414)},
	{name: "target over limit, no line end", lim: small, in: "GET /" + strings.Repeat("a", 16), want: reject(414)},
	{name: "target over default limit", in: "GET /" + strings.Repeat("a", DefaultMaxTargetBytes), want: reject(414)},
	{name: "version lowercase", in: "GET / http/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "version short", in: "GET / HTTP/1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "version two digits", in: "GET / HTTP/11.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "version letters", in: "GET / HTTP/a.b\r\n", want: reject(400)},
	{name: "version trailing", in: "GET / HTTP/1.1x\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "version trailing space", in: "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "http/2.0", in: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", want: reject(505)},
	{name: "http/3.0", in: "GET / HTTP/3.0\r\n", want: reject(505)},
	{name: "http/0.9 version", in: "GET / HTTP/0.9\r\n\r\n", want: reject(505)},
	{name: "bare CR after version", in: "GET / HTTP/1.1\rHost: h\r\n\r\n", want: reject(400)},
	{name: "bare CR leading", in: "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", want: reject(400)},
	{name: "too many empty lines", in: strings.Repeat("\r\n", 40) + get11 + "\r\n", want: reject(400)},

	// Header fields.
	{name: "OWS trimmed", in: "GET / HTTP/1.1\r\nHost: \t h \t\r\nX-A:b\r\nX-Empty:\r\nX-Sp:   \r\n\r\n",
		want: ok("GET", "/", 1, "h").withFields("Host: h\nX-A: b\nX-Empty: \nX-Sp: \n")},
	{name: "inner spaces kept", in: get11 + "X: a  b\r\n\r\n", want: ok("GET", "/", 1, "h").withFields("Host: h\nX: a  b\n")},
	{name: "obs-text value", in: get11 + "X: caf\xc3\xa9\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "lowercase names", in: "GET / HTTP/1.1\r\nhost: h\r\ncontent-length: 1\r\n\r\nx", want: ok("GET", "/", 1, "h").withCL(1, "x")},
	{name: "space before colon", in: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", want: reject(400)},
	{name: "tab before colon", in: "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", want: reject(400)},
	{name: "bad name token", in: get11 + "X(y): z\r\n\r\n", want: reject(400)},
	{name: "empty name", in: get11 + ": z\r\n\r\n", want: reject(400)},
	{name: "no colon", in: get11 + "Xyz\r\n\r\n", want: reject(400)},
	{name: "NUL in name", in: get11 + "X\x00: z\r\n\r\n", want: reject(400)},
	{name: "NUL in value", in: get11 + "X: a\x00b\r\n\r\n", want: reject(400)},
	{name: "CTL in value", in: get11 + "X: a\x01b\r\n\r\n", want: reject(400)},
	{name: "bare CR in value", in: get11 + "X: a\rb\r\n\r\n", want: reject(400)},
	{name: "CR CR LF", in: get11 + "X: a\r\r\n\r\n", want: reject(400)},
	{name: "bare CR as line", in: get11 + "\r\r\n", want: reject(400)},
	{name: "obs-fold", in: get11 + "X: a\r\n b\r\n\r\n", want: reject(400)},
	{name: "obs-fold tab", in: get11 + "X: a\r\n\tb\r\n\r\n", want: reject(400)},
	{name: "first line folded", in: "GET / HTTP/1.1\r\n Host: h\r\n\r\n", want: reject(400)},
	{name: "fields at limit", lim: small, in: get11 + "A: 1\r\nB: 2\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "too many fields", lim: small, in: get11 + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", want: reject(431)},
	{name: "head block at limit", lim: small, in: get11 + "X: " + strings.Repeat("a", 64-9-5-2) + "\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "head block over limit", lim: small, in: get11 + "X: " + strings.Repeat("a", 64-9-5-1) + "\r\n\r\n", want: reject(431)},
	{name: "head block over limit, no end", lim: small, in: get11 + "X: " + strings.Repeat("a", 60), want: reject(431)},
	{name: "head block over default limit", in: get11 + "X: " + strings.Repeat("a", DefaultMaxHeaderBytes), want: reject(431)},

	// Host.
	{name: "host missing", in: "GET / HTTP/1.1\r\nX: y\r\n\r\n", want: reject(400)},
	{name: "host duplicate", in: get11 + "Host: h\r\n\r\n", want: reject(400)},
	{name: "host duplicate 1.0", in: "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", want: reject(400)},
	{name: "host empty", in: "GET / HTTP/1.1\r\nHost:\r\n\r\n", want: ok("GET", "/", 1, "")},
	{name: "host port", in: "GET / HTTP/1.1\r\nHost: h:8080\r\n\r\n", want: ok("GET", "/", 1, "h:8080")},
	{name: "host ipv6", in: "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", want: ok("GET", "/", 1, "[::1]:80")},
	{name: "host with space", in: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", want: reject(400)},
	{name: "host with slash", in: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", want: reject(400)},

	// Content-Length.
	{name: "length body", in: post11 + "Content-Length: 5\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello")},
	{name: "length zero", in: post11 + "Content-Length: 0\r\n\r\n", want: ok("POST", "/p", 1, "h").withCL(0, "")},
	{name: "length OWS", in: post11 + "Content-Length: \t5 \t\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello")},
	{name: "length leading zeros", in: post11 + "Content-Length: 005\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello")},
	{name: "length duplicate", in: post11 + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello")},
	{name: "length list", in: post11 + "Content-Length: 5, 5\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello")},
	{name: "length body then next", in: post11 + "Content-Length: 2\r\n\r\nhiGET", want: ok("POST", "/p", 1, "h").withCL(2, "hi").withN(len(post11) + 23)},
	{name: "length incomplete body", in: post11 + "Content-Length: 5\r\n\r\nhel", want: res{}},
	{name: "length plus", in: post11 + "Content-Length: +5\r\n\r\nhello", want: reject(400)},
	{name: "length minus", in: post11 + "Content-Length: -5\r\n\r\n", want: reject(400)},
	{name: "length hex", in: post11 + "Content-Length: 0x5\r\n\r\n", want: reject(400)},
	{name: "length inner space", in: post11 + "Content-Length: 1 2\r\n\r\n", want: reject(400)},
	{name: "length empty", in: post11 + "Content-Length:\r\n\r\n", want: reject(400)},
	{name: "length list empty element", in: post11 + "Content-Length: 5,\r\n\r\nhello", want: reject(400)},
	{name: "length overflow", in: post11 + "Content-Length: 99999999999999999999\r\n\r\n", want: reject(400)},
	{name: "length differing list", in: post11 + "Content-Length: 5, 6\r\n\r\nhello", want: reject(400)},
	{name: "length differing fields", in: post11 + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", want: reject(400)},
	{name: "length over max", in: post11 + "Content-Length: 1048577\r\n\r\n", want: reject(413)},
	{name: "length at small max", lim: small, in: post11 + "Content-Length: 10\r\n\r\n0123456789", want: ok("POST", "/p", 1, "h").withCL(10, "0123456789")},
	{name: "length over small max", lim: small, in: post11 + "Content-Length: 11\r\n\r\n", want: reject(413)},

	// Transfer-Encoding and chunked bodies.
	{name: "chunked", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", want: ok("POST", "/p", 1, "h").withChunked("hello")},
	{name: "chunked case", in: post11 + "Transfer-Encoding: ChUnKeD\r\n\r\n5\r\nhello\r\n0\r\n\r\n", want: ok("POST", "/p", 1, "h").withChunked("hello")},
	{name: "chunked list", in: post11 + "Transfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", want: ok("POST", "/p", 1, "h").withChunked("")},
	{name: "chunked many", in: post11 + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\na\r\nABCDEFGHIJ\r\n0\r\n\r\n",
		want: ok("POST", "/p", 1, "h").withChunked("abc0123456789ABCDEFGHIJ")},
	{name: "chunked leading zeros", in: post11 + "Transfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n000\r\n\r\n", want: ok("POST", "/p", 1, "h").withChunked("hello")},
	{name: "chunked extensions", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n2 ; x=\"y z\";k\r\nhi\r\n0;end\r\n\r\n",
		want: ok("POST", "/p", 1, "h").withChunked("hellohi")},
	{name: "chunked trailers", in: post11 + "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\n",
		want: ok("POST", "/p", 1, "h").withChunked("hi").withFields("Host: h\nTransfer-Encoding: chunked\n")},
	{name: "chunked then next", in: post11 + "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nGET /",
		want: ok("POST", "/p", 1, "h").withChunked("hi").withN(len(post11) + 30 + 12)},
	{name: "chunked incomplete", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", want: res{}},
	{name: "chunked at small max", lim: small, in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n",
		want: ok("POST", "/p", 1, "h").withChunked("0123456789")},
	{name: "chunked over small max", lim: small, in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n", want: reject(413)},
	{name: "chunk over max before data", in: post11 + "Transfer-Encoding: chunked\r\n\r\n100001\r\n", want: reject(413)},
	{name: "chunk size bad", in: post11 + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", want: reject(400)},
	{name: "chunk size missing", in: post11 + "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n", want: reject(400)},
	{name: "chunk size space", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", want: reject(400)},
	{name: "chunk size sign", in: post11 + "Transfer-Encoding: chunked\r\n\r\n-5\r\n", want: reject(400)},
	{name: "chunk size overflow", in: post11 + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", want: reject(400)},
	{name: "chunk size bare LF", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", want: reject(400)},
	{name: "chunk ext bare CR", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5;a\rb\r\nhello\r\n0\r\n\r\n", want: reject(400)},
	{name: "chunk ext NUL", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5;\x00\r\nhello\r\n0\r\n\r\n", want: reject(400)},
	// Chunk extensions follow RFC 9112 §7.1.1 exactly.
	{name: "chunk ext quoted", in: chunked("2;a=\"x;\\\"y\" ; b = c\r\nhi\r\n0\r\n\r\n"), want: ok("POST", "/p", 1, "h").withChunked("hi")},
	{name: "chunk ext BWS", in: chunked("2 ;a\t;b\r\nhi\r\n0\r\n\r\n"), want: ok("POST", "/p", 1, "h").withChunked("hi")},
	{name: "chunk ext empty", in: chunked("2;\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext no name", in: chunked("2;=x\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext unclosed quote", in: chunked("2;a=\"x\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext spaces in name", in: chunked("2;a b c\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext after quote", in: chunked("2;a=\"x\"y\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext semicolons", in: chunked("2;;;\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext no value", in: chunked("2;a=\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext trailing space", in: chunked("2;a=b \r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext name trailing space", in: chunked("2;a \r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext name trailing tab", in: chunked("2;a\t\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext BWS before next", in: chunked("2;a ;b\r\nhi\r\n0\r\n\r\n"), want: ok("POST", "/p", 1, "h").withChunked("hi")},
	{name: "chunk ext bad pair", in: chunked("2;a=\"\\\x01\"\r\nhi\r\n0\r\n\r\n"), want: reject(400)},
	{name: "chunk ext on last chunk", in: chunked("2\r\nhi\r\n0;a=\"\r\n\r\n"), want: reject(400)},
	{name: "chunk data no CRLF", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", want: reject(400)},
	{name: "chunk data bare LF", in: post11 + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", want: reject(400)},
	{name: "chunk trailer bad", in: post11 + "Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n", want: reject(400)},
	{name: "chunk trailers too many", lim: small, in: post11 + "Transfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", want: reject(431)},
	{name: "chunk trailers too large", lim: small, in: post11 + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: " + strings.Repeat("t", 64), want: reject(431)},
	{name: "chunked twice", in: post11 + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", want: reject(400)},
	{name: "chunked two fields", in: post11 + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", want: reject(400)},
	{name: "coding empty", in: post11 + "Transfer-Encoding:\r\n\r\n", want: reject(400)},
	{name: "coding gzip", in: post11 + "Transfer-Encoding: gzip\r\n\r\n", want: reject(501)},
	{name: "coding gzip then chunked", in: post11 + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", want: reject(501)},
	{name: "coding chunked then gzip", in: post11 + "Transfer-Encoding: chunked, gzip\r\n\r\n", want: reject(501)},
	{name: "coding with length", in: post11 + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", want: reject(400)},
	{name: "length with coding", in: post11 + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", want: reject(400)},
	{name: "coding in 1.0", in: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", want: reject(400)},

	// Expect.
	{name: "expect continue", in: post11 + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello", want: ok("POST", "/p", 1, "h").withCL(5, "hello").withExpect()},
	{name: "expect case", in: post11 + "Expect: 100-Continue\r\nContent-Length: 0\r\n\r\n", want: ok("POST", "/p", 1, "h").withCL(0, "").withExpect()},
	{name: "expect chunked", in: post11 + "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", want: ok("POST", "/p", 1, "h").withChunked("").withExpect()},
	{name: "expect in 1.0 ignored", in: "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", want: ok("POST", "/", 0, "").withCL(1, "x")},
	{name: "expect empty", in: get11 + "Expect:\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "expect other", in: get11 + "Expect: 200-ok\r\n\r\n", want: reject(417)},
	{name: "expect list", in: get11 + "Expect: 100-continue, x\r\n\r\n", want: reject(417)},

	// Persistence.
	{name: "1.1 close", in: get11 + "Connection: close\r\n\r\n", want: ok("GET", "/", 1, "h").withKeep(false)},
	{name: "1.1 close in list", in: get11 + "Connection: keep-alive, CLOSE\r\n\r\n", want: ok("GET", "/", 1, "h").withKeep(false)},
	{name: "1.1 close second field", in: get11 + "Connection: upgrade\r\nConnection: close\r\n\r\n", want: ok("GET", "/", 1, "h").withKeep(false)},
	{name: "1.1 other option", in: get11 + "Connection: upgrade, te\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "1.1 closer is not close", in: get11 + "Connection: closed\r\n\r\n", want: ok("GET", "/", 1, "h")},
	{name: "1.0 keep-alive", in: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", want: ok("GET", "/", 0, "").withKeep(true)},
	{name: "1.0 keep-alive list", in: "GET / HTTP/1.0\r\nConnection: foo ,keep-alive\r\n\r\n", want: ok("GET", "/", 0, "").withKeep(true)},
	{name: "1.0 keep-alive and close", in: "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", want: ok("GET", "/", 0, "")},
	{name: "1.0 default close", in: "GET / HTTP/1.0\r\nHost: h\r\n\r\n", want: ok("GET", "/", 0, "h")},

	// Pipelining: only the first request counts.
	{name: "pipelined", in: get11 + "\r\n" + get11 + "\r\n", want: ok("GET", "/", 1, "h").withN(len(get11) + 2)},
	{name: "pipelined bad second", in: get11 + "\r\nBAD\x00", want: ok("GET", "/", 1, "h").withN(len(get11) + 2)},

	// Incomplete input.
	{name: "empty", in: "", want: res{}},
	{name: "partial line", in: "GET / HTT", want: res{}},
	{name: "partial head", in: get11, want: res{}},
	{name: "only CRLFs", in: "\r\n\r\n", want: res{}},
}

// normalized fills the defaults of an accepted want.
func (c parseCase) normalized() res {
	w := c.want
	if w.status == 0 && w.method != "" && w.n == 0 {
		w.n = len(c.in)
	}
	return w
}

// matches compares got with the case's want, ignoring fields when the want
// does not name them.
func (c parseCase) matches(got res) bool {
	w := c.normalized()
	if w.fields == "" {
		got.fields = ""
	}
	return got == w
}
