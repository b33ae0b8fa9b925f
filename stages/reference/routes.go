package reference

import (
	"html"
	"strings"
)

// The hello app's routes, as the stages serve them (stages/app): the same
// paths, methods and bodies, so that every server answers the same bytes of
// payload.
const (
	pathIndex     = "/"
	pathPlaintext = "/plaintext"
	pathStats     = "/stats"

	allowGetHead = "GET, HEAD"

	contentPlain = "text/plain"
	contentText  = "text/plain; charset=utf-8"
	contentHTML  = "text/html; charset=utf-8"
	contentJSON  = "application/json"
)

// Constant bodies shared by both servers.
var (
	helloBody            = []byte("Hello, World!")
	bodyNotFound         = []byte("Not Found\n")
	bodyMethodNotAllowed = []byte("Method Not Allowed\n")
	indexBody            = indexPage()
)

// route is one known path with its summary for the index page.
type route struct{ path, summary string }

func routes() []route {
	return []route{
		{pathIndex, "this index"},
		{pathPlaintext, "Hello, World! as text/plain (TechEmpower plaintext)"},
		{pathStats, "the server's counters as JSON"},
	}
}

// known reports whether path is one of the hello app's routes.
func known(path string) bool {
	for _, r := range routes() {
		if r.path == path {
			return true
		}
	}
	return false
}

// getOrHead reports whether method is one every route answers.
func getOrHead(method string) bool { return method == "GET" || method == "HEAD" }

func indexPage() []byte {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>latencylab</title></head><body>\n<h1>latencylab</h1>\n<ul>\n")
	for _, r := range routes() {
		p := html.EscapeString(r.path)
		b.WriteString(`<li><a href="` + p + `">` + p + "</a>: " + html.EscapeString(r.summary) + "</li>\n")
	}
	b.WriteString("</ul>\n</body></html>\n")
	return []byte(b.String())
}
