package app

import (
	"encoding/json"
	"html"
	"strings"

	"latencylab/stages/http1"
)

// helloBody is the TechEmpower plaintext body.
var helloBody = []byte("Hello, World!")

// StatsFunc takes a snapshot of a server's counters for /stats.
type StatsFunc func() Stats

// NewHello builds the hello app: /plaintext, the index at / and /stats.
func NewHello(stats StatsFunc) *Router {
	getHead := []string{"GET", "HEAD"}
	routes := []Route{
		{Path: "/plaintext", Methods: getHead, Summary: "Hello, World! as text/plain (TechEmpower plaintext)", Handler: HandlerFunc(plaintext)},
		{Path: "/stats", Methods: getHead, Summary: "the server's counters as JSON", Handler: statsHandler(stats)},
	}
	index := indexPage(append([]Route{{Path: "/", Summary: "this index"}}, routes...))
	routes = append(routes, Route{Path: "/", Methods: getHead, Summary: "this index", Handler: HandlerFunc(func(_ *http1.Request, resp *http1.Response) {
		resp.Status = 200
		resp.Set("Content-Type", "text/html; charset=utf-8")
		resp.Body = index
	})})
	return NewRouter(routes...)
}

// plaintext follows the TechEmpower plaintext rules: a fixed body,
// text/plain, and the Server and Date headers every response carries.
func plaintext(_ *http1.Request, resp *http1.Response) {
	resp.Status = 200
	resp.Set("Content-Type", "text/plain")
	resp.Body = helloBody
}

// statsHandler answers /stats. It allocates (JSON), which is fine: it is a
// control path, not the path under load.
func statsHandler(stats StatsFunc) Handler {
	return HandlerFunc(func(_ *http1.Request, resp *http1.Response) {
		body, err := json.Marshal(stats())
		if err != nil {
			resp.Status = 500
			resp.Body = []byte("stats: " + err.Error() + "\n")
			return
		}
		resp.Status = 200
		resp.Set("Content-Type", "application/json")
		resp.Body = append(body, '\n')
	})
}

func indexPage(routes []Route) []byte {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>latencylab</title></head><body>\n<h1>latencylab</h1>\n<ul>\n")
	for _, r := range routes {
		b.WriteString(`<li><a href="` + html.EscapeString(r.Path) + `">` + html.EscapeString(r.Path) + "</a>: " + html.EscapeString(r.Summary) + "</li>\n")
	}
	b.WriteString("</ul>\n</body></html>\n")
	return []byte(b.String())
}
