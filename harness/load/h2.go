package load

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// HTTP/2 on the event loop.
//
// Frames are written and read with x/net/http2's Framer and hpack. The
// Framer writes into the connection's frame buffer, which the loop sends
// (through tls on an https:// URL); it reads from a frameSource that holds
// exactly one whole frame, because the Framer reads with io.ReadFull and
// cannot resume a frame cut by the socket: the loop buffers a partial
// frame itself and hands the Framer only complete ones. Each request's header
// fields are built once, up front; each connection's hpack encoder turns
// them into a block per request, indexing them in its dynamic table the
// first time, so that from the second request on a block is a few
// indices. (Blocks encoded once for every connection would have to avoid
// the table, and the server would then decode every literal of every
// request: against nginx that cost 17% of the throughput.)
//
// One exception to the Framer: HEADERS and CONTINUATION are read here.
// The Framer allocates a frame object for every HEADERS frame (it reuses
// only DATA frames), one allocation per response; their layout is a few
// fields, and their order (a header block's frames contiguous) is checked
// here for every frame, the Framer's own check being off since it no
// longer sees the HEADERS.

// HTTP/2 settings and limits of the generator.
const (
	h2StreamsMax    = 1000                           // --streams
	h2MaxFrame      = 16384                          // the frame size the generator reads (the protocol's default)
	h2StreamWindow  = 1 << 20                        // the receive window each stream gets
	h2ConnWindow    = 1 << 30                        // the connection's receive window
	h2HeaderListMax = 64 << 10                       // a response's header block, decoded
	h2BodyMax       = h2MaxFrame                     // a request body: one DATA frame
	h2StreamIDMax   = 1<<31 - 1                      // stream IDs run out; the connection is replaced before
	h2WindowMax     = 1<<31 - 1                      // a flow-control window's largest value
	h2SinkMax       = 1 << 20                        // frames queued for a server that does not read
	h2DefaultWindow = 65535                          // the protocol's initial windows
	h2LastNewStream = h2StreamIDMax - 2*h2StreamsMax // no new stream opens after this ID
)

// The protocols lab load speaks, as the JSON's protocol key names them.
const (
	protoHTTP1 = "http/1.1"
	protoH2    = "h2"  // over TLS, negotiated by ALPN
	protoH2C   = "h2c" // cleartext, with prior knowledge
)

// errNoH2 is an https:// server that did not choose h2 in ALPN.
var errNoH2 = errors.New("the server did not negotiate h2 in ALPN (is HTTP/2 enabled on it?)")

// h2Fields is one request's header fields: pseudo-headers, then the
// request's headers in lower case, without the connection-specific ones
// HTTP/2 forbids.
func h2Fields(method, scheme string, t target, headers []string, bodyLen int) ([]hpack.HeaderField, error) {
	authority := t.hostHeader
	var fields []hpack.HeaderField
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		switch name {
		case "host":
			authority = value
		case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
			return nil, fmt.Errorf("header %q is connection-specific: HTTP/2 forbids it", h)
		default:
			fields = append(fields, hpack.HeaderField{Name: name, Value: value})
		}
	}
	pseudo := []hpack.HeaderField{
		{Name: ":method", Value: method}, {Name: ":scheme", Value: scheme},
		{Name: ":authority", Value: authority}, {Name: ":path", Value: t.requestURI},
	}
	if bodyLen > 0 || bodyMethod(method) {
		fields = append(fields, hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(bodyLen)})
	}
	all := append(pseudo, fields...)
	var b frameSink
	enc := hpack.NewEncoder(&b)
	for _, f := range all { // the block's size when nothing is indexed yet: its largest
		if err := enc.WriteField(f); err != nil {
			return nil, err
		}
	}
	if len(b.b) > h2MaxFrame {
		return nil, fmt.Errorf("request headers of %d bytes: at most %d in HTTP/2 (one frame)", len(b.b), h2MaxFrame)
	}
	return all, nil
}

// frameSource is what a connection's Framer reads: one whole frame.
type frameSource struct{ b []byte }

func (s *frameSource) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// frameSink is what a connection's Framer writes to: its frame buffer.
type frameSink struct{ b []byte }

func (s *frameSink) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// h2conn is one socket's HTTP/2 session.
type h2conn struct {
	fr          *http2.Framer
	sink        frameSink
	src         frameSource
	dec         *hpack.Decoder
	enc         *hpack.Encoder // requests' blocks, with this connection's table
	block       frameSink      // the block being encoded
	in          []byte         // the start of a frame the socket cut (a view of buf)
	buf         []byte
	status      int    // :status of the header block being decoded
	hdrStream   uint32 // the stream of the header block being read
	hdrOpen     bool   // that block awaits CONTINUATION frames
	hdrEnds     bool   // that block's HEADERS frame ended the stream
	ready       bool   // the server's first SETTINGS have come
	maxStreams  int    // the server's SETTINGS_MAX_CONCURRENT_STREAMS; -1: no limit
	blockBytes  int    // the header block being read, so far
	since       int64  // when it last had room or a stream: a server that allows none for --timeout fails
	maxFrame    int    // the largest frame the server reads
	nextID      uint32
	goaway      bool  // GOAWAY came (or IDs ran out): no new streams
	sendWin     int64 // the connection's send window (request bodies)
	streamWin   int64 // the server's initial stream window
	recvUnacked int64 // DATA octets since the last connection WINDOW_UPDATE
}

func newH2Conn(now int64) *h2conn {
	h := &h2conn{maxStreams: -1, since: now, maxFrame: h2MaxFrame, nextID: 1, sendWin: h2DefaultWindow, streamWin: h2DefaultWindow}
	h.fr = http2.NewFramer(&h.sink, &h.src)
	h.fr.SetReuseFrames()
	h.fr.AllowIllegalReads = true // the frame order is checked in checkOrder
	h.fr.SetMaxReadFrameSize(h2MaxFrame)
	h.dec = hpack.NewDecoder(4096, h.onField)
	h.enc = hpack.NewEncoder(&h.block)
	h.dec.SetMaxStringLength(h2HeaderListMax)
	return h
}

// preface queues the client's connection preface: the magic, SETTINGS
// (no push, a large stream window) and a large connection window.
func (h *h2conn) preface() {
	h.sink.b = append(h.sink.b, http2.ClientPreface...)
	_ = h.fr.WriteSettings(
		http2.Setting{ID: http2.SettingEnablePush, Val: 0},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: h2StreamWindow},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: h2HeaderListMax},
	)
	_ = h.fr.WriteWindowUpdate(0, h2ConnWindow-h2DefaultWindow)
}

// onField takes :status, which comes first in a response's block (RFC
// 9113 §8.3); the rest of the block is only decoded as far as the
// dynamic table needs: a literal the server does not index is skipped
// undecoded, so it costs no garbage.
func (h *h2conn) onField(f hpack.HeaderField) {
	if f.Name == ":status" {
		if n, err := strconv.Atoi(f.Value); err == nil && n >= 100 && n <= 999 {
			h.status = n
		}
	}
	h.dec.SetEmitEnabled(false)
}

// room is how many streams may be open: --streams, capped by the server.
func (h *h2conn) room(streams int) int {
	switch {
	case !h.ready || h.goaway:
		return 0
	case h.maxStreams >= 0:
		return min(streams, h.maxStreams)
	}
	return streams
}

// nextFrame takes the next whole frame from what was read, after any
// partial frame kept from before; nil when none is whole yet, the rest
// then kept (in a buffer reused for the connection's life). Reading a
// frame's length before buffering it bounds what a server can make the
// generator hold. A frame returned is valid until the next call.
func (h *h2conn) nextFrame(b *[]byte) ([]byte, error) {
	if len(h.in) == 0 {
		f, err := h.cut(b)
		if f == nil && err == nil && len(*b) > 0 {
			h.in = append(h.buf[:0], *b...)
			h.buf, *b = h.in[:0], nil
		}
		return f, err
	}
	if len(*b) > 0 {
		h.in = append(append(h.buf[:0], h.in...), *b...) // compact, then add
		h.buf, *b = h.in[:0], nil
	}
	return h.cut(&h.in)
}

// cut takes one whole frame off the front of *b, or returns nil.
func (h *h2conn) cut(b *[]byte) ([]byte, error) {
	if len(*b) < 9 {
		return nil, nil
	}
	n := int((*b)[0])<<16 | int((*b)[1])<<8 | int((*b)[2])
	if n > h2MaxFrame {
		return nil, fmt.Errorf("http2: a frame of %d bytes, over the %d this generator reads (FRAME_SIZE_ERROR)", n, h2MaxFrame)
	}
	if len(*b) < 9+n {
		return nil, nil
	}
	f := (*b)[:9+n]
	*b = (*b)[9+n:]
	return f, nil
}

// readFrame parses one whole frame.
func (h *h2conn) readFrame(b []byte) (http2.Frame, error) {
	h.src.b = b
	f, err := h.fr.ReadFrame()
	if err != nil {
		if d := h.fr.ErrorDetail(); d != nil {
			return nil, fmt.Errorf("http2: %w: %v", err, d)
		}
		return nil, fmt.Errorf("http2: %w", err)
	}
	return f, nil
}

// Frame fields this file reads itself (RFC 9113 §4.1, §6.2, §6.10).
const (
	flagEndStream  = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// headerFrame is a HEADERS or CONTINUATION frame, read without the Framer.
type headerFrame struct {
	stream     uint32
	frag       []byte
	endStream  bool // HEADERS only
	endHeaders bool
	first      bool // HEADERS, not CONTINUATION
}

func frameType(raw []byte) http2.FrameType { return http2.FrameType(raw[3]) }
func frameStream(raw []byte) uint32        { return binary.BigEndian.Uint32(raw[5:9]) & (1<<31 - 1) }

// checkOrder keeps a header block's frames contiguous: after a HEADERS
// without END_HEADERS only CONTINUATION of its stream may come, and
// CONTINUATION only then.
func (h *h2conn) checkOrder(raw []byte) error {
	typ, stream := frameType(raw), frameStream(raw)
	switch {
	case h.hdrOpen && (typ != http2.FrameContinuation || stream != h.hdrStream):
		return fmt.Errorf("http2: %v for stream %d inside stream %d's header block (PROTOCOL_ERROR)", typ, stream, h.hdrStream)
	case !h.hdrOpen && typ == http2.FrameContinuation:
		return fmt.Errorf("http2: CONTINUATION for stream %d outside a header block (PROTOCOL_ERROR)", stream)
	}
	return nil
}

// readHeaderFrame parses a HEADERS or CONTINUATION frame (a whole one).
func readHeaderFrame(raw []byte) (headerFrame, error) {
	flags, p := raw[4], raw[9:]
	f := headerFrame{stream: frameStream(raw), endHeaders: flags&flagEndHeaders != 0, first: frameType(raw) == http2.FrameHeaders}
	if f.stream == 0 {
		return f, errors.New("http2: a header block on stream 0 (PROTOCOL_ERROR)")
	}
	if !f.first {
		f.frag = p
		return f, nil
	}
	f.endStream = flags&flagEndStream != 0
	pad := 0
	if flags&flagPadded != 0 {
		if len(p) < 1 {
			return f, errors.New("http2: a padded HEADERS frame without its pad length (PROTOCOL_ERROR)")
		}
		pad, p = int(p[0]), p[1:]
	}
	if flags&flagPriority != 0 {
		if len(p) < 5 {
			return f, errors.New("http2: a HEADERS frame too short for its priority (PROTOCOL_ERROR)")
		}
		p = p[5:]
	}
	if pad > len(p) {
		return f, errors.New("http2: HEADERS padding longer than the frame (PROTOCOL_ERROR)")
	}
	f.frag = p[:len(p)-pad]
	return f, nil
}

// encode is a request's header block, in this connection's table; valid
// until the next call.
func (h *h2conn) encode(fields []hpack.HeaderField) []byte {
	h.block.b = h.block.b[:0]
	for _, f := range fields {
		_ = h.enc.WriteField(f) // writes to memory: it cannot fail
	}
	return h.block.b
}
