package profiles

import (
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sync"

	"github.com/google/pprof/driver"
	"github.com/google/pprof/profile"
)

// driverMu serializes calls into pprof's driver: it keeps process-wide
// state (its current configuration, an "interactive mode" flag) that
// overlapping calls would race on. It guards a third-party global, so it
// has to be one too.
var driverMu sync.Mutex

// FlameGraphHTML renders p as pprof's own flame graph page (the
// "/flamegraph" view of `go tool pprof -http`). No server is started:
// the driver is given an HTTPServer hook that calls the view's handler
// with a recorder instead of listening. pprof inlines its CSS and
// JavaScript into that page, which SelfContained verifies. name appears
// in the page title. A profile with a diff base (see Diff) renders as a
// diff flame graph.
func FlameGraphHTML(p *profile.Profile, name string, logger *slog.Logger) ([]byte, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var page []byte
	capture := func(args *driver.HTTPServerArgs) error {
		b, err := recordView(args.Handlers, "/flamegraph")
		page = b
		return err
	}
	opts := &driver.Options{
		// Port 0 keeps the driver from probing for a free port; the
		// address is never listened on.
		Flagset:       newArgFlags([]string{"-http=127.0.0.1:0", "-no_browser", "-symbolize=none", name}),
		Fetch:         memFetcher{p},
		Sym:           noSymbolizer{},
		Obj:           noObj{},
		UI:            slogUI{logger},
		HTTPServer:    capture,
		HTTPTransport: noNetwork{},
	}
	driverMu.Lock()
	err := driver.PProf(opts)
	driverMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("profiles: flame graph of %s: %w", name, err)
	}
	if err := SelfContained(page); err != nil {
		return nil, fmt.Errorf("profiles: flame graph of %s: %w", name, err)
	}
	return retitle(page, name), nil
}

// pageTitle is the <title> element pprof writes (it names the binary).
var pageTitle = regexp.MustCompile(`<title>[^<]*</title>`)

// retitle names the page after what it shows, so that browser tabs of
// several flame graphs can be told apart.
func retitle(page []byte, name string) []byte {
	loc := pageTitle.FindIndex(page)
	if loc == nil {
		return page
	}
	t := "<title>" + html.EscapeString(name) + " — flame graph</title>"
	return slices.Concat(page[:loc[0]], []byte(t), page[loc[1]:])
}

// recordView calls one of the web UI's handlers as a browser would.
func recordView(handlers map[string]http.Handler, path string) ([]byte, error) {
	h := handlers[path]
	if h == nil {
		return nil, fmt.Errorf("pprof has no %s view", path)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("pprof %s view: status %d: %s", path, rec.Code, rec.Body.String())
	}
	if rec.Body.Len() == 0 {
		return nil, errors.New("pprof " + path + " view is empty")
	}
	return rec.Body.Bytes(), nil
}

// WriteFlameGraph reads a .pb.gz profile and writes its flame graph page.
func WriteFlameGraph(profilePath, htmlPath, name string, logger *slog.Logger) error {
	p, err := ReadProfile(profilePath)
	if err != nil {
		return err
	}
	page, err := FlameGraphHTML(p, name, logger)
	if err != nil {
		return err
	}
	if err := os.WriteFile(htmlPath, page, 0o644); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	return nil
}

// ReadProfile parses a pprof file (gzipped or not).
func ReadProfile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("profiles: parse %s: %w", path, err)
	}
	return p, nil
}
