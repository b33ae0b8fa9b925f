package load

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/net/http2"
)

var (
	errH2Closed      = errors.New("http2: the server closed the connection with streams open (no GOAWAY)")
	errH2NoStatus    = errors.New("http2: a response header block without :status")
	errH2Push        = errors.New("http2: PUSH_PROMISE, though SETTINGS_ENABLE_PUSH is 0 (PROTOCOL_ERROR)")
	errH2DataFirst   = errors.New("http2: DATA before the response's HEADERS (PROTOCOL_ERROR)")
	errH2HTTP1       = errors.New("http2: the server answered in HTTP/1 (does it speak h2c with prior knowledge?)")
	errH2WindowOver  = errors.New("http2: a window went over 2^31-1 (FLOW_CONTROL_ERROR)")
	errH2NotReading  = errors.New("http2: over 1 MiB of frames (PING and SETTINGS answers) queued: the server sends and does not read")
	errH2BigBlock    = errors.New("http2: a response header block over 64 KiB (SETTINGS_MAX_HEADER_LIST_SIZE)")
	errH2GoAwayFirst = errors.New("http2: GOAWAY before any response: the server takes no streams on this connection")
	errH2NoSettings  = errors.New("http2: no SETTINGS from the server within --timeout of the connection")
	errH2NoStreams   = errors.New("http2: the server allowed no stream (SETTINGS_MAX_CONCURRENT_STREAMS 0) for --timeout")
)

// stageH2 sets up the next write of an HTTP/2 socket: HEADERS for the
// requests not yet written, the DATA their windows allow, and the
// control frames queued meanwhile; false when there is nothing to send.
func (w *worker) stageH2(c *conn, now int64) bool {
	h := c.h2
	w.h2Requests(c)
	w.h2Bodies(c)
	if len(h.sink.b) == 0 && (c.sec == nil || len(c.sec.lc.out) == 0) {
		return false
	}
	c.wOff = 0
	if c.sec != nil {
		out, err := w.encrypt(c, h.sink.b)
		h.sink.b = h.sink.b[:0]
		if err != nil {
			w.fail(c, now, classTLS, err)
			return false
		}
		c.wLen = len(out)
		return true
	}
	c.wbuf, h.sink.b = h.sink.b, c.wbuf[:0] // frames queued from now on go in the next write
	c.wLen = len(c.wbuf)
	return true
}

// h2Requests opens a stream for each request not yet written. The IDs
// run out after about a billion streams: the connection then takes no
// new ones and is replaced once its streams end.
func (w *worker) h2Requests(c *conn) {
	h := c.h2
	if c.unwritten > 0 {
		w.rec.h2.writes++
		w.rec.h2.written += int64(c.unwritten)
	}
	for i := c.n - c.unwritten; i < c.n; i++ {
		s := c.at(i)
		r := &w.p.reqs[s.t]
		s.stream, h.nextID = h.nextID, h.nextID+2
		s.status, s.recvUnacked, s.bodyOff, s.sendWindow = 0, 0, 0, int32(h.streamWin)
		_ = h.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.stream, BlockFragment: h.encode(r.h2fields),
			EndStream: len(r.body) == 0, EndHeaders: true})
	}
	c.unwritten = 0
	if h.nextID > h2LastNewStream {
		h.goaway = true
	}
}

// h2Bodies sends what the flow-control windows allow of the bodies.
func (w *worker) h2Bodies(c *conn) {
	h := c.h2
	for i := range c.n {
		s := c.at(i)
		body := w.p.reqs[s.t].body
		n := min(len(body)-int(s.bodyOff), int(h.sendWin), int(s.sendWindow), h.maxFrame)
		if s.stream == 0 || n <= 0 {
			continue
		}
		end := int(s.bodyOff) + n
		_ = h.fr.WriteData(s.stream, end == len(body), body[s.bodyOff:end])
		s.bodyOff, s.sendWindow = int32(end), s.sendWindow-int32(n)
		h.sendWin -= int64(n)
	}
}

// consumeH2 handles the whole frames of what was read; false means the
// socket is gone.
func (w *worker) consumeH2(c *conn, b []byte, now int64) bool {
	h, gen := c.h2, c.gen
	if !h.ready && len(h.in) == 0 && bytes.HasPrefix(b, []byte("HTTP/")) {
		w.fail(c, now, classParse, errH2HTTP1)
		return false
	}
	for {
		raw, err := h.nextFrame(&b)
		if err == nil && raw == nil {
			break
		}
		if err == nil {
			err = h.checkOrder(raw)
		}
		if err != nil {
			w.fail(c, now, classParse, err)
			return false
		}
		if !w.onRawFrame(c, raw, now) || c.gen != gen {
			return false
		}
		if len(h.sink.b) > h2SinkMax {
			w.fail(c, now, classParse, errH2NotReading)
			return false
		}
	}
	if len(h.sink.b) > 0 && c.wLen == 0 {
		w.flush(c, now) // acknowledgements, window updates
	}
	return c.gen == gen && c.state == stOpen
}

// onRawFrame handles one whole frame: a header block's frames here, the
// others through the Framer. false means the socket is gone.
func (w *worker) onRawFrame(c *conn, raw []byte, now int64) bool {
	h := c.h2
	if t := frameType(raw); t == http2.FrameHeaders || t == http2.FrameContinuation {
		f, err := readHeaderFrame(raw)
		if err != nil {
			w.fail(c, now, classParse, err)
			return false
		}
		if f.first {
			h.hdrStream, h.hdrEnds, h.status = f.stream, f.endStream, 0
			h.dec.SetEmitEnabled(true) // until :status (onField)
		}
		h.hdrOpen = !f.endHeaders
		return w.onHeaderBlock(c, f.frag, f.endHeaders, now)
	}
	f, err := h.readFrame(raw)
	if err != nil {
		w.fail(c, now, classParse, err)
		return false
	}
	return w.onFrame(c, f, now)
}

// onFrame handles one frame; false means the socket is gone.
func (w *worker) onFrame(c *conn, f http2.Frame, now int64) bool {
	h := c.h2
	switch f := f.(type) {
	case *http2.SettingsFrame:
		return w.onSettings(c, f, now)
	case *http2.PingFrame:
		if !f.IsAck() {
			_ = h.fr.WritePing(true, f.Data)
		}
	case *http2.WindowUpdateFrame:
		return w.onWindowUpdate(c, f, now)
	case *http2.DataFrame:
		return w.onData(c, f, now)
	case *http2.RSTStreamFrame:
		return w.onStreamReset(c, f, now)
	case *http2.GoAwayFrame:
		return w.onGoAway(c, f, now)
	case *http2.PushPromiseFrame:
		w.fail(c, now, classParse, errH2Push)
		return false
	}
	return true // PRIORITY and unknown frames are ignored, as the protocol asks
}

// onSettings applies the server's settings and acknowledges them; the
// first SETTINGS lets requests go.
func (w *worker) onSettings(c *conn, f *http2.SettingsFrame, now int64) bool {
	if f.IsAck() {
		return true
	}
	h := c.h2
	err := f.ForeachSetting(func(s http2.Setting) error {
		if err := s.Valid(); err != nil {
			return err
		}
		switch s.ID {
		case http2.SettingMaxConcurrentStreams:
			h.since = now // the limit starts counting now
			w.rec.h2.serverStreams(int(s.Val))
			h.maxStreams = int(min(s.Val, h2StreamsMax))
		case http2.SettingInitialWindowSize:
			delta := int64(s.Val) - h.streamWin
			for i := range c.n {
				if int64(c.at(i).sendWindow)+delta > h2WindowMax {
					return errH2WindowOver
				}
				c.at(i).sendWindow += int32(delta)
			}
			h.streamWin = int64(s.Val)
		case http2.SettingMaxFrameSize:
			h.maxFrame = int(s.Val)
		case http2.SettingHeaderTableSize:
			h.enc.SetMaxDynamicTableSizeLimit(s.Val) // the server's decoder holds no more
		}
		return nil
	})
	if err != nil {
		w.fail(c, now, classParse, fmt.Errorf("http2: SETTINGS: %w", err))
		return false
	}
	_ = h.fr.WriteSettingsAck()
	h.ready = true
	return true
}

func (w *worker) onWindowUpdate(c *conn, f *http2.WindowUpdateFrame, now int64) bool {
	h := c.h2
	if f.StreamID == 0 {
		if h.sendWin += int64(f.Increment); h.sendWin > h2WindowMax {
			w.fail(c, now, classParse, errH2WindowOver)
			return false
		}
		return true
	}
	i := c.findStream(f.StreamID)
	if i < 0 {
		return true // a stream that has ended
	}
	s := c.at(i)
	if int64(s.sendWindow)+int64(f.Increment) > h2WindowMax {
		w.fail(c, now, classParse, errH2WindowOver)
		return false
	}
	s.sendWindow += int32(f.Increment)
	return true
}

// onHeaderBlock decodes a header block fragment (every block, so that
// the decoder's table stays the server's); at the block's end a final
// response's status is kept, and a block that ends its stream ends it.
func (w *worker) onHeaderBlock(c *conn, frag []byte, ended bool, now int64) bool {
	h := c.h2
	if h.blockBytes += len(frag); h.blockBytes > h2HeaderListMax {
		w.fail(c, now, classParse, errH2BigBlock)
		return false
	}
	if _, err := h.dec.Write(frag); err != nil {
		w.fail(c, now, classParse, fmt.Errorf("http2: header block: %w (COMPRESSION_ERROR)", err))
		return false
	}
	if !ended {
		return true
	}
	h.blockBytes = 0
	if err := h.dec.Close(); err != nil {
		w.fail(c, now, classParse, fmt.Errorf("http2: header block: %w (COMPRESSION_ERROR)", err))
		return false
	}
	i := c.findStream(h.hdrStream)
	if i < 0 {
		return true // a stream that has ended (reset, timed out)
	}
	s := c.at(i)
	switch {
	case s.status == 0 && h.status == 0:
		w.failStream(c, i, now, errH2NoStatus)
		return false
	case s.status == 0 && h.status >= 200:
		s.status = int32(h.status)
	}
	if h.hdrEnds && s.status != 0 { // a final response, or its trailers
		return w.completeStream(c, i, now)
	}
	return true
}

// onData accounts a DATA frame's octets to both windows, giving them
// back as they arrive, and ends its stream on END_STREAM.
func (w *worker) onData(c *conn, f *http2.DataFrame, now int64) bool {
	h := c.h2
	n := int64(f.Header().Length) // padding included: flow control counts it
	if h.recvUnacked += n; h.recvUnacked >= h2ConnWindow/2 {
		_ = h.fr.WriteWindowUpdate(0, uint32(h.recvUnacked))
		h.recvUnacked = 0
	}
	i := c.findStream(f.StreamID)
	if i < 0 {
		return true
	}
	s := c.at(i)
	switch {
	case s.status == 0:
		w.failStream(c, i, now, errH2DataFirst)
		return false
	case f.StreamEnded():
		return w.completeStream(c, i, now)
	}
	if s.recvUnacked += int32(n); s.recvUnacked >= h2StreamWindow/2 {
		_ = h.fr.WriteWindowUpdate(s.stream, uint32(s.recvUnacked))
		s.recvUnacked = 0
	}
	return true
}

// completeStream records the response of the i-th outstanding request.
func (w *worker) completeStream(c *conn, i int, now int64) bool {
	s := w.endStream(c, i, now)
	w.record(c, s, now, int(s.status))
	return w.afterStream(c, now)
}

// failStream ends the connection for a protocol error on the i-th
// outstanding request's stream: that request failed (not the oldest, as
// a connection error charges), the others go out again.
func (w *worker) failStream(c *conn, i int, now int64, err error) {
	w.failed(c, c.remove(i), now, classParse, err)
	if !c.answered {
		c.failures++
	}
	w.drop(c, now)
}

// onStreamReset: the server refused or cancelled a stream; its request
// failed, with the error code as the message. A refused stream (RFC 9113
// §8.7: not processed) could be sent again; it counts as an error all the
// same, so that a server refusing work shows in the errors.
func (w *worker) onStreamReset(c *conn, f *http2.RSTStreamFrame, now int64) bool {
	i := c.findStream(f.StreamID)
	if i < 0 {
		return true
	}
	s := w.endStream(c, i, now)
	w.failed(c, s, now, classStream, fmt.Errorf("http2: stream reset by the server: %v", f.ErrCode))
	w.rec.h2.resets++
	return w.afterStream(c, now)
}

// endStream takes the i-th outstanding request out: its stream ended.
func (w *worker) endStream(c *conn, i int, now int64) reqSlot {
	if c.n == w.room(c) {
		c.roomAt = now // it was full: from now on it can send
	}
	c.h2.since = now
	return c.remove(i)
}

// afterStream replaces a connection whose last stream ended after a
// GOAWAY; one that never answered backs off first.
func (w *worker) afterStream(c *conn, now int64) bool {
	if c.h2.goaway && c.n == 0 {
		if !c.answered {
			c.failures++
		}
		w.drop(c, now)
		return false
	}
	return true
}

// onGoAway: the server takes no new streams. Those it will not process
// (above its last stream ID, or not yet sent) go out again on a new
// connection; the others finish here first.
func (w *worker) onGoAway(c *conn, f *http2.GoAwayFrame, now int64) bool {
	h := c.h2
	h.goaway = true
	w.rec.h2.goaways++
	for i := c.n - 1; i >= 0; i-- {
		s := c.at(i)
		if s.stream == 0 || s.stream > f.LastStreamID {
			if s.stream != 0 {
				w.rec.h2.retried++
			}
			c.retry = append(c.retry, c.remove(i))
		}
	}
	sortRetry(c.retry)
	c.unwritten = 0
	if f.ErrCode != http2.ErrCodeNo {
		w.rec.note(classStream, fmt.Errorf("http2: GOAWAY %v: %s", f.ErrCode, f.DebugData()))
	}
	if c.n == 0 {
		if !c.answered {
			c.failures++ // a GOAWAY before any response: back off, do not hammer it
			w.countError(classStream, now, errH2GoAwayFirst)
		}
		w.drop(c, now)
		return false
	}
	return true
}

// h2Stalled fails a connection whose server has let it open no stream for
// --timeout: no SETTINGS yet, or SETTINGS_MAX_CONCURRENT_STREAMS 0 (a
// GOAWAY's connection is replaced as soon as its streams end).
func (w *worker) h2Stalled(c *conn, now int64) {
	err := errH2NoStreams
	if !c.h2.ready {
		err = errH2NoSettings
	}
	w.fail(c, now, classParse, err)
}

// sortRetry keeps the retry list oldest first (it is a few entries).
func sortRetry(r []reqSlot) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j].k < r[j-1].k; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}
