package load

import (
	"testing"

	"golang.org/x/net/http2"
)

// FuzzH2Frames drives the generator's HTTP/2 frame layer over any input,
// cut into reads of every size: the buffering of partial frames, the
// order check, the HEADERS and CONTINUATION parser, the Framer and hpack.
// No input may panic or make it hold more than one frame and one read.
// The corpus in testdata/fuzz/FuzzH2Frames runs with plain go test.
func FuzzH2Frames(f *testing.F) {
	settings := []byte{0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100}
	headers := append([]byte{0, 0, 1, 1, flagEndHeaders | flagEndStream, 0, 0, 0, 1}, 0x88)
	data := []byte{0, 0, 2, 0, flagEndStream, 0, 0, 0, 1, 'o', 'k'}
	cont := []byte{0, 0, 1, 1, 0, 0, 0, 0, 3, 0x88, 0, 0, 1, 9, flagEndHeaders, 0, 0, 0, 3, 0x82}
	f.Add(append(append(append([]byte{}, settings...), headers...), data...), uint8(7))
	f.Add(cont, uint8(3))
	f.Add([]byte{0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 1}, uint8(1))
	f.Add([]byte{0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(9))
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		h := newH2Conn(0)
		step := int(chunk%64) + 1
		for off := 0; off < len(in); off += step {
			b := in[off:min(off+step, len(in))]
			for {
				raw, err := h.nextFrame(&b)
				if err != nil || raw == nil {
					break
				}
				if len(h.in) > 9+h2MaxFrame+step {
					t.Fatalf("holding %d bytes", len(h.in))
				}
				if h.checkOrder(raw) != nil {
					return
				}
				if !fuzzFrame(h, raw) {
					return
				}
			}
			if len(h.in) > 9+h2MaxFrame+step {
				t.Fatalf("holding %d bytes", len(h.in))
			}
		}
	})
}

// fuzzFrame handles one frame as the worker does, without a socket;
// false on a connection error.
func fuzzFrame(h *h2conn, raw []byte) bool {
	if t := frameType(raw); t == http2.FrameHeaders || t == http2.FrameContinuation {
		f, err := readHeaderFrame(raw)
		if err != nil {
			return false
		}
		h.hdrOpen = !f.endHeaders
		if f.first {
			h.dec.SetEmitEnabled(true)
		}
		if _, err := h.dec.Write(f.frag); err != nil {
			return false
		}
		return !f.endHeaders || h.dec.Close() == nil
	}
	_, err := h.readFrame(raw)
	return err == nil
}
