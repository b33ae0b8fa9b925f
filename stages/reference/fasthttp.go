package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"net"

	"github.com/valyala/fasthttp"
)

// fastHTTP is valyala/fasthttp serving the hello app.
type fastHTTP struct {
	ln  net.Listener
	srv *fasthttp.Server
	c   *counters
}

func newFastHTTP(addr string) (Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fasthttp: listen %s: %w", addr, err)
	}
	s := &fastHTTP{ln: ln, c: newCounters("fasthttp")}
	s.srv = &fasthttp.Server{
		Handler:        s.handle,
		Name:           "fasthttp", // the Server header; fasthttp adds Date itself
		ReadTimeout:    headerTimeout,
		IdleTimeout:    idleTimeout,
		ReadBufferSize: maxHeaderSize,
		ConnState:      s.connState,
		Logger:         discardLogger{},
	}
	return s, nil
}

func (s *fastHTTP) Addr() string { return s.ln.Addr().String() }

func (s *fastHTTP) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil {
		return fmt.Errorf("fasthttp: serve: %w", err)
	}
	return nil
}

func (s *fastHTTP) Shutdown(ctx context.Context) error {
	if err := s.srv.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("fasthttp: shutdown: %w", err)
	}
	return nil
}

func (s *fastHTTP) connState(_ net.Conn, state fasthttp.ConnState) {
	switch state {
	case fasthttp.StateNew:
		s.c.connOpened()
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		s.c.connClosed()
	}
}

// handle routes exactly as stages/app does. fasthttp drops the body of a
// HEAD response and sets Content-Length from the body itself.
func (s *fastHTTP) handle(ctx *fasthttp.RequestCtx) {
	path := string(ctx.Path()) // the compiler does not allocate for comparisons
	switch {
	case !known(path):
		s.reply(ctx, fasthttp.StatusNotFound, contentText, bodyNotFound)
	case !getOrHead(string(ctx.Method())):
		ctx.Response.Header.Set("Allow", allowGetHead)
		s.reply(ctx, fasthttp.StatusMethodNotAllowed, contentText, bodyMethodNotAllowed)
	case path == pathPlaintext:
		s.reply(ctx, fasthttp.StatusOK, contentPlain, helloBody)
	case path == pathStats:
		s.c.request(fasthttp.StatusOK) // counted first so the snapshot includes it
		s.write(ctx, fasthttp.StatusOK, contentJSON, s.statsBody())
	default:
		s.reply(ctx, fasthttp.StatusOK, contentHTML, indexBody)
	}
}

func (s *fastHTTP) reply(ctx *fasthttp.RequestCtx, status int, ctype string, body []byte) {
	s.c.request(status)
	s.write(ctx, status, ctype, body)
}

func (s *fastHTTP) write(ctx *fasthttp.RequestCtx, status int, ctype string, body []byte) {
	ctx.SetStatusCode(status)
	ctx.SetContentType(ctype)
	ctx.SetBody(body)
}

func (s *fastHTTP) statsBody() []byte {
	body, err := json.Marshal(s.c.snapshot())
	if err != nil {
		return []byte("{}\n")
	}
	return append(body, '\n')
}

// discardLogger silences fasthttp's per-connection error log: clients that
// vanish mid-request are routine under load.
type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
