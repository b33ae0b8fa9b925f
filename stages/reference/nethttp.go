package reference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
)

// netHTTP is Go's net/http serving the hello app.
type netHTTP struct {
	ln  net.Listener
	srv *http.Server
	c   *counters
}

func newNetHTTP(addr string) (Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("nethttp: listen %s: %w", addr, err)
	}
	s := &netHTTP{ln: ln, c: newCounters("nethttp")}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: headerTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderSize,
		ConnState:         s.connState,
		// Clients that vanish mid-request are routine under load; net/http
		// would log each one.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return s, nil
}

func (s *netHTTP) Addr() string { return s.ln.Addr().String() }

func (s *netHTTP) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("nethttp: serve: %w", err)
	}
	return nil
}

func (s *netHTTP) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("nethttp: shutdown: %w", err)
	}
	return nil
}

// connState keeps the connection counters from net/http's own hook.
func (s *netHTTP) connState(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.c.connOpened()
	case http.StateClosed, http.StateHijacked:
		s.c.connClosed()
	}
}

// ServeHTTP routes exactly as stages/app does: 404 for an unknown path, 405
// with Allow for a wrong method.
func (s *netHTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "nethttp") // net/http adds Date itself
	path := r.URL.Path
	switch {
	case !known(path):
		s.reply(w, r, http.StatusNotFound, contentText, bodyNotFound)
	case !getOrHead(r.Method):
		w.Header().Set("Allow", allowGetHead)
		s.reply(w, r, http.StatusMethodNotAllowed, contentText, bodyMethodNotAllowed)
	case path == pathPlaintext:
		s.reply(w, r, http.StatusOK, contentPlain, helloBody)
	case path == pathStats:
		s.c.request(http.StatusOK) // counted first so the snapshot includes it
		s.write(w, r, http.StatusOK, contentJSON, s.statsBody())
	default:
		s.reply(w, r, http.StatusOK, contentHTML, indexBody)
	}
}

// reply counts the request and writes it.
func (s *netHTTP) reply(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	s.c.request(status)
	s.write(w, r, status, ctype, body)
}

// write sends a response with an explicit Content-Length (never chunked);
// HEAD gets the headers only.
func (s *netHTTP) write(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a failed write is the client's hang-up
	}
}

func (s *netHTTP) statsBody() []byte {
	body, err := json.Marshal(s.c.snapshot())
	if err != nil {
		// app.Stats holds only numbers, strings and a map of numbers.
		return []byte("{}\n")
	}
	return append(body, '\n')
}
