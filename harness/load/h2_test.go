package load

import (
	"bufio"
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// startH2C is Go's net/http server speaking HTTP/1.1 and h2c with prior
// knowledge.
func startH2C(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// protoHandler answers with the protocol the request came in.
var protoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 {
		http.Error(w, "not h2: "+r.Proto, http.StatusHTTPVersionNotSupported)
		return
	}
	io.WriteString(w, "Hello, World!")
})

func TestH2C(t *testing.T) {
	srv := startH2C(t, protoHandler)
	for _, streams := range []int{1, 8} {
		cfg := quick(srv.URL + "/")
		cfg.HTTP2, cfg.Streams = true, streams
		sum := mustRun(t, cfg).Summary
		assertNoErrors(t, sum.Errors)
		if sum.Requests < 100 || sum.Protocol != "h2c" || sum.Statuses["200"] != sum.Requests || sum.HTTP2 == nil {
			t.Fatalf("streams %d: %d requests, protocol %q, statuses %v, http2 %+v", streams, sum.Requests, sum.Protocol, sum.Statuses, sum.HTTP2)
		}
		t.Logf("streams %d: %d requests, http2 %+v", streams, sum.Requests, *sum.HTTP2)
		// One stream has nothing to write along: no hold applies, and
		// the run says so.
		if hold := map[int]int64{1: 0, 8: int64(DefaultCoalesce)}[streams]; sum.HTTP2.CoalesceNs != hold ||
			sum.Generator.SpinNS != 0 || sum.HTTP2.RequestsWritten < sum.Requests {
			t.Errorf("streams %d: coalesce_ns %d (want %d), spin_ns %d (quick: 0), %d requests written",
				streams, sum.HTTP2.CoalesceNs, hold, sum.Generator.SpinNS, sum.HTTP2.RequestsWritten)
		}
	}
}

func TestH2OverTLS(t *testing.T) {
	s := startH2TLS(t, protoHandler)
	cfg := quickTLS(s)
	cfg.HTTP2, cfg.Streams = true, 4
	sum := mustRun(t, cfg).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 100 || sum.Protocol != "h2" || sum.TLS.ALPN != "h2" || sum.Statuses["200"] != sum.Requests {
		t.Fatalf("%d requests, protocol %q, tls %+v, statuses %v", sum.Requests, sum.Protocol, sum.TLS, sum.Statuses)
	}
}

// startH2TLS is startTLS with HTTP/2 on.
func startH2TLS(t *testing.T, h http.Handler) *tlsServer {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &tlsServer{Server: srv, caFile: writeCA(t, srv)}
}

// A server without h2 in ALPN: a tls error that says so.
func TestH2NotNegotiated(t *testing.T) {
	s := startTLS(t, helloHandler) // HTTP/1.1 only
	cfg := quickTLS(s)
	cfg.HTTP2 = true
	tlsFailure(t, cfg, "did not negotiate h2")
}

// An HTTP/1 server that gets h2c's preface answers in HTTP/1: a parse
// error that says so.
func TestH2CAgainstHTTP1(t *testing.T) {
	s := startRaw(t, fixed("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	cfg := quick(s.url("/"))
	cfg.HTTP2 = true
	sum := runExpectNothing(t, cfg).Summary
	if !strings.Contains(sum.ErrorMessages["parse"], "answered in HTTP/1") {
		t.Fatalf("errors %v %v", sum.Errors, sum.ErrorMessages)
	}
}

// h2Script is a scripted h2c server, for what Go's server never does:
// respond answers the n-th request of a connection (from 1).
type h2Script struct {
	settings []http2.Setting
	respond  func(fr *http2.Framer, stream uint32, n int) error
}

func startH2Script(t *testing.T, s h2Script) *rawServer {
	return startRaw(t, func(c net.Conn, r *bufio.Reader) {
		preface := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(r, preface); err != nil {
			return
		}
		fr := http2.NewFramer(c, r)
		if fr.WriteSettings(s.settings...) != nil {
			return
		}
		n := 0
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			ended := false
			switch f := f.(type) {
			case *http2.HeadersFrame:
				ended = f.StreamEnded()
			case *http2.DataFrame:
				ended = f.StreamEnded()
			case *http2.SettingsFrame:
				if !f.IsAck() && fr.WriteSettingsAck() != nil {
					return
				}
			}
			if ended {
				n++
				if s.respond(fr, f.Header().StreamID, n) != nil {
					return
				}
			}
		}
	})
}

// h2Headers encodes a response header block.
func h2Headers(status int, fields ...string) []byte {
	return hpackFields(append([]string{":status", strconv.Itoa(status)}, fields...)...)
}

// hpackFields encodes a header block of name, value pairs (trailers).
func hpackFields(fields ...string) []byte {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	return b.Bytes()
}

// h2Respond writes a 200 with a body.
func h2Respond(fr *http2.Framer, stream uint32) error {
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: h2Headers(200, "content-length", "2"), EndHeaders: true}); err != nil {
		return err
	}
	return fr.WriteData(stream, true, []byte("ok"))
}

// A server that sends GOAWAY after 50 streams on each connection and
// drops what comes after: those requests go out again on a new
// connection, counted apart, and none fails.
func TestH2GoAwayRetries(t *testing.T) {
	s := startH2Script(t, h2Script{respond: func(fr *http2.Framer, stream uint32, n int) error {
		switch {
		case n < 50:
			return h2Respond(fr, stream)
		case n == 50:
			if err := fr.WriteGoAway(stream, http2.ErrCodeNo, nil); err != nil {
				return err
			}
			return h2Respond(fr, stream)
		}
		return nil // after GOAWAY: not processed
	}})
	cfg := quick(s.url("/"))
	cfg.HTTP2, cfg.Streams = true, 8
	sum := mustRun(t, cfg).Summary
	assertNoErrors(t, sum.Errors)
	h := sum.HTTP2
	if sum.Requests < 200 || h.GoAways < 3 || h.Retried == 0 {
		t.Fatalf("%d requests, http2 %+v: want several GOAWAYs and their requests retried", sum.Requests, h)
	}
}

// RST_STREAM is the stream error class, with the code as its message.
func TestH2StreamReset(t *testing.T) {
	s := startH2Script(t, h2Script{respond: func(fr *http2.Framer, stream uint32, n int) error {
		if n%3 == 0 {
			return fr.WriteRSTStream(stream, http2.ErrCodeRefusedStream)
		}
		return h2Respond(fr, stream)
	}})
	cfg := quick(s.url("/"))
	cfg.HTTP2, cfg.Streams = true, 4
	sum := mustRun(t, cfg).Summary
	if sum.Errors["stream"] == 0 || !strings.Contains(sum.ErrorMessages["stream"], "REFUSED_STREAM") || sum.Requests == 0 {
		t.Fatalf("errors %v %v, %d requests", sum.Errors, sum.ErrorMessages, sum.Requests)
	}
	if n := sum.Errors["stream"]; n < sum.Requests/3 || n > sum.Requests/2+1 {
		t.Errorf("%d resets for %d responses: want one in three requests", n, sum.Requests)
	}
}

// A response's header block split over HEADERS and CONTINUATION, a
// server's PING, 1xx before the final status, and trailers: all kept.
func TestH2ContinuationPingInterimTrailers(t *testing.T) {
	s := startH2Script(t, h2Script{settings: []http2.Setting{{ID: http2.SettingMaxConcurrentStreams, Val: 2}},
		respond: func(fr *http2.Framer, stream uint32, n int) error {
			if err := fr.WritePing(false, [8]byte{byte(n)}); err != nil {
				return err
			}
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: h2Headers(103, "link", "</a>"), EndHeaders: true}); err != nil {
				return err
			}
			block := h2Headers(200, "x-long", strings.Repeat("v", 300))
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: block[:10]}); err != nil {
				return err
			}
			if err := fr.WriteContinuation(stream, true, block[10:]); err != nil {
				return err
			}
			if err := fr.WriteData(stream, false, []byte("body")); err != nil {
				return err
			}
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: hpackFields("x-trailer", "1"), EndHeaders: true, EndStream: true})
		}})
	cfg := quick(s.url("/"))
	cfg.HTTP2, cfg.Streams = true, 8
	sum := mustRun(t, cfg).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 100 || sum.Statuses["200"] != sum.Requests || !sum.HTTP2.Capped || *sum.HTTP2.ServerMaxStreams != 2 {
		t.Fatalf("%d requests, statuses %v, http2 %+v", sum.Requests, sum.Statuses, sum.HTTP2)
	}
}

// Malformed frames: each is a parse error that names it, and the run
// goes on reconnecting without hanging.
func TestH2MalformedFrames(t *testing.T) {
	for name, c := range map[string]struct {
		write func(w io.Writer, fr *http2.Framer, stream uint32) error
		want  string
	}{
		"oversized frame": {func(w io.Writer, _ *http2.Framer, _ uint32) error {
			_, err := w.Write([]byte{0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 1})
			return err
		}, "FRAME_SIZE_ERROR"},
		"settings of a bad length": {func(w io.Writer, _ *http2.Framer, _ uint32) error {
			_, err := w.Write([]byte{0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5})
			return err
		}, "http2"},
		"bad hpack": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: []byte{0xff, 0xff, 0xff, 0xff}, EndHeaders: true})
		}, "COMPRESSION_ERROR"},
		"no status": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: hpackFields("x-trailer", "1"), EndHeaders: true, EndStream: true})
		}, "without :status"},
		"continuation outside a block": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			return fr.WriteContinuation(stream, true, h2Headers(200))
		}, "outside a header block"},
		"a frame inside a block": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: h2Headers(200)}); err != nil {
				return err
			}
			return fr.WritePing(false, [8]byte{})
		}, "inside stream"},
		"padding too long": {func(w io.Writer, _ *http2.Framer, stream uint32) error {
			_, err := w.Write([]byte{0, 0, 2, 1, flagPadded | flagEndHeaders, 0, 0, 0, byte(stream), 9, 0x88})
			return err
		}, "padding longer"},
		"a header block over 64 KiB": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			block := hugeBlock(80 << 10)
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: block[:16000]}); err != nil {
				return err
			}
			for off := 16000; off < len(block); off += 16000 {
				end := min(off+16000, len(block))
				if err := fr.WriteContinuation(stream, end == len(block), block[off:end]); err != nil {
					return err
				}
			}
			return nil
		}, "over 64 KiB"},
		"data first": {func(_ io.Writer, fr *http2.Framer, stream uint32) error {
			return fr.WriteData(stream, true, []byte("x"))
		}, "DATA before"},
	} {
		t.Run(name, func(t *testing.T) {
			s := startRaw(t, func(nc net.Conn, r *bufio.Reader) {
				preface := make([]byte, len(http2.ClientPreface))
				if _, err := io.ReadFull(r, preface); err != nil {
					return
				}
				fr := http2.NewFramer(nc, r)
				fr.AllowIllegalWrites = true
				fr.WriteSettings()
				for {
					f, err := fr.ReadFrame()
					if err != nil {
						return
					}
					if h, ok := f.(*http2.HeadersFrame); ok && c.write(nc, fr, h.StreamID) != nil {
						return
					}
				}
			})
			cfg := quick(s.url("/"))
			cfg.HTTP2 = true
			sum := runExpectNothing(t, cfg).Summary
			if sum.Errors["parse"] == 0 || !strings.Contains(sum.ErrorMessages["parse"], c.want) {
				t.Fatalf("errors %v %v: want a parse error saying %q", sum.Errors, sum.ErrorMessages, c.want)
			}
		})
	}
}

// A server whose flow-control window never opens: a POST's body cannot
// go out; the request times out at --timeout, and nothing hangs.
func TestH2WindowNeverOpens(t *testing.T) {
	s := startH2Script(t, h2Script{settings: []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 0}},
		respond: func(fr *http2.Framer, stream uint32, _ int) error { return h2Respond(fr, stream) }})
	cfg := quick(s.url("/"))
	cfg.HTTP2, cfg.Method, cfg.Body, cfg.Timeout = true, "POST", []byte("payload"), 200*time.Millisecond
	start := time.Now()
	sum := runExpectNothing(t, cfg).Summary
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("run took %v", el)
	}
	if sum.Errors["timeout"] == 0 {
		t.Fatalf("errors %v: want timeouts", sum.Errors)
	}
}

// HTTP/2's allocations per request, the generator's alone (by stack:
// anything under a worker's methods), against Go's h2c server.
func TestNoAllocationPerH2Request(t *testing.T) {
	profileEveryAllocation(t)
	srv := startH2C(t, helloHandler)
	cfg := quick(srv.URL + "/")
	cfg.HTTP2, cfg.Streams, cfg.Duration = true, 8, time.Second
	before := allocsUnder("latencylab/harness/load.(*worker).")
	sum := mustRun(t, cfg).Summary
	got := allocsUnder("latencylab/harness/load.(*worker).") - before
	reqs := sum.Requests + sum.WarmupReqs
	t.Logf("%d requests: %d allocations by the generator's loops", reqs, got)
	if reqs < 1000 || float64(got)/float64(reqs) > 0.05 {
		t.Errorf("%.3f allocations per request by the generator", float64(got)/float64(reqs))
	}
}

// The freeze test over h2: a 1 s stall shows in the corrected latency,
// not in the service time.
func TestH2FreezeShowsInCorrectedLatency(t *testing.T) {
	var frozenUntil atomic.Int64
	s := startH2TLS(t, freezer(&frozenUntil))
	cfg := DefaultConfig(s.URL + "/")
	cfg.TLS.CAFile, cfg.HTTP2 = s.caFile, true
	freezeCase(t, cfg, &frozenUntil)
}

// startH2Raw is an h2c server that reads the client's preface and then
// runs serve with a Framer on the connection.
func startH2Raw(t *testing.T, serve func(fr *http2.Framer)) *rawServer {
	return startRaw(t, func(c net.Conn, r *bufio.Reader) {
		preface := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(r, preface); err != nil {
			return
		}
		serve(http2.NewFramer(c, r))
	})
}

// serveUntil answers SETTINGS and calls onRequest for each request that
// ends with its HEADERS, until the connection fails or onRequest does.
func serveUntil(fr *http2.Framer, onRequest func(f *http2.HeadersFrame) error) {
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.HeadersFrame:
			if f.StreamEnded() && onRequest(f) != nil {
				return
			}
		}
	}
}

// Hostile or stalled HTTP/2 servers: each is an error that names it, the
// slot backs off or is replaced, and nothing hangs past --timeout.
func TestH2StalledServers(t *testing.T) {
	for name, c := range map[string]struct {
		serve func(fr *http2.Framer)
		class string
		want  string
		slow  bool // it takes the server a while to fill the socket buffers
	}{
		"no SETTINGS": {func(fr *http2.Framer) { serveUntil(fr, func(*http2.HeadersFrame) error { return nil }) },
			"parse", "no SETTINGS", false},
		"no streams allowed": {func(fr *http2.Framer) {
			fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 0})
			serveUntil(fr, func(*http2.HeadersFrame) error { return nil })
		}, "parse", "allowed no stream", false},
		"GOAWAY before any response": {func(fr *http2.Framer) {
			fr.WriteSettings()
			fr.WriteGoAway(0, http2.ErrCodeNo, nil)
			serveUntil(fr, func(*http2.HeadersFrame) error { return nil })
		}, "stream", "GOAWAY before any response", false},
		"reset after GOAWAY": {func(fr *http2.Framer) {
			fr.WriteSettings()
			serveUntil(fr, func(f *http2.HeadersFrame) error {
				if err := fr.WriteGoAway(f.StreamID, http2.ErrCodeNo, nil); err != nil {
					return err
				}
				return fr.WriteRSTStream(f.StreamID, http2.ErrCodeCancel)
			})
		}, "stream", "CANCEL", false},
		"PINGs, never reading": {func(fr *http2.Framer) {
			fr.WriteSettings()
			for fr.WritePing(false, [8]byte{}) == nil {
			}
		}, "parse", "does not read", true},
	} {
		t.Run(name, func(t *testing.T) {
			s := startH2Raw(t, c.serve)
			cfg := quick(s.url("/"))
			cfg.HTTP2, cfg.Timeout = true, 200*time.Millisecond
			if c.slow {
				cfg.Duration, cfg.Timeout = 2*time.Second, 5*time.Second
			}
			start := time.Now()
			sum := runExpectNothing(t, cfg).Summary
			if el := time.Since(start); el > cfg.Duration+3*time.Second {
				t.Errorf("run took %v", el)
			}
			if sum.Errors[c.class] == 0 || !strings.Contains(sum.ErrorMessages[c.class], c.want) {
				t.Fatalf("errors %v %v: want %s saying %q", sum.Errors, sum.ErrorMessages, c.class, c.want)
			}
			if n := sum.Generator.Connects; n > 200 {
				t.Errorf("%d connects in %v: the slots did not back off", n, cfg.Duration)
			}
		})
	}
}

// hugeBlock is a valid response header block of at least n bytes: a
// status and many short fields, none indexed.
func hugeBlock(n int) []byte {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	for b.Len() < n {
		enc.WriteField(hpack.HeaderField{Name: "x-a", Value: "aaaaaaaa", Sensitive: true})
	}
	return b.Bytes()
}

// A protocol error tied to a stream (DATA before its HEADERS) is charged
// to that stream's request, not to the oldest one on the connection. The
// server answers four streams, says GOAWAY and closes.
func TestH2StreamErrorChargesItsTarget(t *testing.T) {
	s := startH2Raw(t, func(fr *http2.Framer) {
		fr.WriteSettings()
		paths := map[uint32]string{}
		dec := hpack.NewDecoder(4096, nil)
		serveUntil(fr, func(f *http2.HeadersFrame) error {
			fields, err := dec.DecodeFull(f.HeaderBlockFragment())
			if err != nil {
				return err
			}
			for _, h := range fields {
				if h.Name == ":path" {
					paths[f.StreamID] = h.Value
				}
			}
			if len(paths) < 4 {
				return nil // answer once four streams are open, newest first
			}
			for id := uint32(7); id >= 1 && id <= 7; id -= 2 {
				if paths[id] == "/bad" {
					err = fr.WriteData(id, true, []byte("x"))
				} else {
					err = h2Respond(fr, id)
				}
				if err != nil {
					return err
				}
			}
			// A close with the client's next streams unread would be a
			// reset, charged to whichever request is oldest then.
			_ = fr.WriteGoAway(7, http2.ErrCodeNo, nil)
			return io.EOF // done: close
		})
	})
	cfg := quick("")
	for _, path := range []string{"/good", "/bad"} {
		cfg.Targets = append(cfg.Targets, Target{Method: "GET", URL: s.url(path), Weight: 1})
	}
	cfg.Conns, cfg.HTTP2, cfg.Streams = 1, true, 4
	sum := mustRun(t, cfg).Summary
	good, bad := sum.Targets[0], sum.Targets[1]
	if bad.Errors == 0 || good.Errors != 0 {
		t.Fatalf("good %+v, bad %+v: the DATA-first stream's target should carry the error", good, bad)
	}
}

// A server that answers a connection's streams one by one, 100 µs apart:
// with a hold, the generator writes its next requests together once the
// responses stop (here: all eight, each time); without one, a request per
// write (a busy machine may join a few). The JSON says which, and how
// many requests a write carried.
func TestH2CoalesceBatchesWrites(t *testing.T) {
	s := startH2Script(t, h2Script{respond: func(fr *http2.Framer, stream uint32, _ int) error {
		for start := time.Now(); time.Since(start) < 100*time.Microsecond; {
			// each response its own writes, apart (a sleep would take a millisecond)
		}
		return h2Respond(fr, stream)
	}})
	for _, c := range []struct {
		hold     time.Duration
		min, max float64
	}{{time.Millisecond, 5, 8}, {0, 1, 3.5}} {
		cfg := quick(s.url("/"))
		cfg.HTTP2, cfg.Streams, cfg.Conns, cfg.Coalesce = true, 8, 1, c.hold
		h := mustRun(t, cfg).Summary.HTTP2
		got := h.RequestsPerWrite()
		t.Logf("hold %v: %d requests in %d writes", c.hold, h.RequestsWritten, h.RequestWrites)
		if got < c.min || got > c.max || h.CoalesceNs != int64(c.hold) || h.RequestWrites < 50 {
			t.Errorf("hold %v: %.2f requests per write (%d writes), coalesce_ns %d: want %v..%v",
				c.hold, got, h.RequestWrites, h.CoalesceNs, c.min, c.max)
		}
	}
}

// A server that answers in bursts of four with a pause between them: a
// held connection is released by its timer once a burst has ended, so a
// write carries the four requests that burst freed (not eight, as it
// would if the hold waited for the next burst, nor one, without a hold).
func TestH2HoldEndsWhenResponsesPause(t *testing.T) {
	s := startH2Script(t, h2Script{respond: func(fr *http2.Framer, stream uint32, n int) error {
		if err := h2Respond(fr, stream); err != nil || n%4 != 0 {
			return err
		}
		time.Sleep(3 * time.Millisecond)
		return nil
	}})
	cfg := quick(s.url("/"))
	cfg.HTTP2, cfg.Streams, cfg.Conns, cfg.Coalesce = true, 8, 1, 500*time.Microsecond
	h := mustRun(t, cfg).Summary.HTTP2
	got := h.RequestsPerWrite()
	t.Logf("%d requests in %d writes", h.RequestsWritten, h.RequestWrites)
	if got < 2.5 || got > 5 || h.RequestWrites < 20 {
		t.Errorf("%.2f requests per write (%d writes): want about 4", got, h.RequestWrites)
	}
}
