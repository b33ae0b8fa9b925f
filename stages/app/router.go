package app

import (
	"strings"

	"latencylab/stages/http1"
)

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(req *http1.Request, resp *http1.Response)

// Serve calls f.
func (f HandlerFunc) Serve(req *http1.Request, resp *http1.Response) { f(req, resp) }

// Route is one path of a Router with the methods it answers.
type Route struct {
	Path    string
	Methods []string // GET implies HEAD when HEAD is listed too
	Summary string   // for the index page
	Handler Handler
	allow   string // the Allow header value, built once
}

// Router dispatches on exact paths: unknown paths get 404 and known paths
// with a wrong method get 405 with Allow. Matching compares bytes with the
// route strings, which the compiler does without allocating.
type Router struct {
	routes []Route
}

// NewRouter builds a router over routes, in order.
func NewRouter(routes ...Route) *Router {
	r := &Router{routes: make([]Route, len(routes))}
	for i, rt := range routes {
		rt.allow = strings.Join(rt.Methods, ", ")
		r.routes[i] = rt
	}
	return r
}

// Serve dispatches one request.
func (r *Router) Serve(req *http1.Request, resp *http1.Response) {
	path := Path(req.Target)
	for i := range r.routes {
		rt := &r.routes[i]
		if string(path) != rt.Path {
			continue
		}
		if !allowed(rt.Methods, req.Method) {
			text(resp, 405, bodyMethodNotAllowed)
			resp.Set("Allow", rt.allow)
			return
		}
		rt.Handler.Serve(req, resp)
		return
	}
	text(resp, 404, bodyNotFound)
}

func allowed(methods []string, m []byte) bool {
	for _, want := range methods {
		if string(m) == want {
			return true
		}
	}
	return false
}

// Constant bodies. They are shared, so a response's Body is never appended
// to in place.
var (
	bodyNotFound         = []byte("Not Found\n")
	bodyMethodNotAllowed = []byte("Method Not Allowed\n")
)

// text fills resp with a constant plain-text body.
func text(resp *http1.Response, status int, body []byte) {
	resp.Status = status
	resp.Set("Content-Type", "text/plain; charset=utf-8")
	resp.Body = body
}
