package httpd

import (
	"strconv"
	"sync/atomic"
	"time"

	"latencylab/stages/app"
	"latencylab/stages/core"
	"latencylab/stages/http1"
)

// continueLine is the interim response to "Expect: 100-continue".
var continueLine = []byte("HTTP/1.1 100 Continue\r\n\r\n")

// handler is HTTP/1.1 as a core.Handler: it parses, runs the app, encodes
// and decides persistence. Everything runs on the reactor goroutine; the
// counters are atomic only so that snapshots may be taken elsewhere.
type handler struct {
	strat   Strategies
	objects Objects
	encoder Encoder
	app     app.Handler
	limits  http1.Limits
	date    http1.DateCache
	out     Output
	// refusalResp is reused by refusal: refusals need no per-call object.
	refusalResp http1.Response
	// inputMax is the most unconsumed input the core will hold for one
	// connection (its ReadBufferMax): a request still incomplete at that
	// size is answered here rather than dropped by the core.
	inputMax int

	requestsOK    atomic.Uint64
	requestsError atomic.Uint64
	rejected      [600]atomic.Uint64 // requests the parser refused, and connections refused for room (503), by status
}

func newHandler(strat Strategies, a app.Handler, limits http1.Limits) *handler {
	return &handler{
		strat:   strat,
		objects: strat.Objects(),
		encoder: strat.Encoder(),
		app:     a,
		limits:  limits,
		out:     Output{batching: strat.Batch, batchMax: DefaultBatchMax},
	}
}

func (h *handler) Open(c *core.Conn) {
	c.SetSession(h.objects.Session(h.limits))
}

func (h *handler) Close(c *core.Conn) {
	s, ok := c.Session().(*Session)
	if !ok {
		return
	}
	if s.ex != nil {
		h.objects.Release(s.ex)
	}
	h.objects.ReleaseSession(s)
	c.SetSession(nil)
}

// Data answers every complete request in the input, in order. Pipelined
// requests are answered one by one as they are parsed.
func (h *handler) Data(c *core.Conn, in []byte) int {
	s := c.Session().(*Session)
	h.out.bind(c)
	defer h.out.Flush()
	consumed := 0
	for consumed < len(in) && !s.finalSent {
		if s.ex == nil {
			s.ex = h.objects.Exchange()
			c.SetPhase(core.PhaseReading)
		}
		n, perr := s.parser.Parse(in[consumed:], &s.ex.Req)
		if perr != nil {
			h.reject(c, s, perr)
			return len(in) // no byte after a bad request is processed
		}
		if n == 0 {
			if s.parser.TakeContinue() {
				h.out.Write(continueLine)
			}
			break
		}
		consumed += n
		// While draining, every request already read is answered; the
		// connection closes after the last one buffered.
		h.respond(c, s, c.Draining() && consumed == len(in))
	}
	if s.finalSent {
		return len(in)
	}
	if s.ex != nil && len(in)-consumed >= h.inputMax {
		h.reject(c, s, overflowError(s.parser))
		return len(in)
	}
	return consumed
}

// overflowError is the status for a request that outgrew the read buffer:
// 413 once its head is complete (a body, such as a chunked one whose framing
// outweighs its data), 431 before.
func overflowError(p *http1.Parser) *http1.Error {
	if p.HeadComplete() {
		return &http1.Error{Status: 413, Reason: "request larger than the read buffer limit"}
	}
	return &http1.Error{Status: 431, Reason: "request head larger than the read buffer limit"}
}

// respond runs the app for the complete request in s and writes the answer.
// last forces this response to be the connection's final one.
func (h *handler) respond(c *core.Conn, s *Session, last bool) {
	ex := s.ex
	h.objects.Parsed(ex)
	req, resp := &ex.Req, &ex.Resp
	resp.Status, resp.Minor = 200, 1
	h.app.Serve(req, resp)

	keep := h.strat.KeepAlive && req.KeepAlive && !last
	resp.Head = string(req.Method) == "HEAD"
	resp.Close = !keep
	resp.Echo10 = keep && req.Minor == 0
	h.encoder.Encode(&h.out, resp, h.date.Get(c.Now()))
	h.count(resp.Status)

	s.ex = nil
	h.objects.Release(ex)
	if !keep {
		h.closeAfter(c, s)
		return
	}
	c.SetPhase(core.PhaseIdle)
}

// reject answers a request the parser refused, then closes.
func (h *handler) reject(c *core.Conn, s *Session, perr *http1.Error) {
	resp := &s.ex.Resp
	resp.Reset()
	resp.Status, resp.Minor, resp.Close = perr.Status, 1, true
	resp.Set("Content-Type", "text/plain; charset=utf-8")
	resp.Body = rejectBody(perr.Status)
	h.encoder.Encode(&h.out, resp, h.date.Get(c.Now()))
	h.count(perr.Status)
	if perr.Status < len(h.rejected) {
		h.rejected[perr.Status].Add(1)
	}
	h.objects.Release(s.ex)
	s.ex = nil
	h.closeAfter(c, s)
}

// refusalBody is the body of the 503 a refused connection gets.
var refusalBody = []byte("Service Unavailable\n")

// refusal is the core's Config.Reject: a 503 for a connection the server
// has no room for (over --max-conns, or over --memory-max), with
// Connection: close and Retry-After. It is counted under rejected["503"],
// not in requests_total.
func (h *handler) refusal(dst []byte, now time.Time) []byte {
	r := &h.refusalResp
	r.Reset()
	r.Status, r.Close = 503, true
	r.Set("Content-Type", "text/plain; charset=utf-8")
	r.Set("Retry-After", "1")
	r.Body = refusalBody
	h.rejected[503].Add(1) // not a request: a refused connection may never have sent one
	return http1.AppendResponse(dst, r, h.date.Get(now), serverName)
}

// closeAfter makes the response just encoded the connection's last: the
// batch goes out first, so that the last response is the last bytes
// written before the close.
func (h *handler) closeAfter(c *core.Conn, s *Session) {
	h.out.Flush()
	s.finalSent = true
	c.CloseAfterWrite()
}

func (h *handler) count(status int) {
	if status < 400 {
		h.requestsOK.Add(1)
		return
	}
	h.requestsError.Add(1)
}

// rejections returns the rejections by status, for /stats.
func (h *handler) rejections() map[string]uint64 {
	out := make(map[string]uint64)
	for code := range h.rejected {
		if n := h.rejected[code].Load(); n > 0 {
			out[strconv.Itoa(code)] = n
		}
	}
	return out
}

// rejectBody is the status text and a newline; a few bytes of garbage per
// rejection are fine on this path.
func rejectBody(status int) []byte {
	return []byte(http1.StatusText(status) + "\n")
}
