package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
)

// controller is the HTTP face of one Session. lab serve mounts it on a
// separate listener so that profiling commands never queue behind the
// load they are measuring.
type controller struct {
	session   Session
	log       *slog.Logger
	runtimeNS atomic.Int64 // time spent answering GET /runtime
}

// NewController returns the profiling control endpoint:
//
//	POST /profile/start  200; 409 if already running
//	POST /profile/stop   200 with the window's files as a tar stream
//	                     (WriteArchive); 409 if not running; 400 if the
//	                     request names a place to write (dir=): the
//	                     endpoint writes no file, the caller does
//	GET  /runtime        200 with statsdoc.RuntimeRead: GC cycles, GC
//	                     pauses and scheduler latencies (runtime/metrics)
//
// It has no access rules of its own: lab serve wraps it in control.Guard.
func NewController(logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &controller{log: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /profile/start", c.start)
	mux.HandleFunc("POST /profile/stop", c.stop)
	mux.HandleFunc("GET /runtime", c.runtime)
	return mux
}

func (c *controller) start(w http.ResponseWriter, r *http.Request) {
	if err := noQuery(r); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := c.session.Start(); err != nil {
		c.log.Warn("profile start refused", "err", err)
		// Any failure to start is a conflict over the process-wide
		// profilers (ours or someone else's CPU profile).
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	c.log.Info("profile started")
	writeJSON(w, map[string]string{"status": "started"})
}

func (c *controller) stop(w http.ResponseWriter, r *http.Request) {
	// Checked before stopping, so that an old caller's dir= does not
	// throw the window away: it can retry without.
	if err := noQuery(r); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	files, err := c.session.Stop()
	switch {
	case errors.Is(err, ErrNotRunning):
		http.Error(w, err.Error(), http.StatusConflict)
		return
	case err != nil && len(files) == 0:
		c.log.Error("profile stop", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	case err != nil:
		c.log.Warn("profile stop: partial window", "err", err, "files", len(files))
	}
	w.Header().Set("Content-Type", ArchiveContentType)
	if err := WriteArchive(w, files); err != nil {
		// Headers are gone: the caller sees a truncated archive.
		c.log.Warn("profile stop: send", "err", err)
		return
	}
	c.log.Info("profile stopped", "files", len(files))
}

// noQuery refuses parameters: in particular dir=, with which earlier
// versions let any caller choose where the server wrote files.
func noQuery(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	if r.URL.Query().Has("dir") {
		return errors.New("dir is not accepted: the endpoint writes no file; the window's files come back in the answer")
	}
	return fmt.Errorf("unexpected parameters %q", r.URL.RawQuery)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	// An encoding error here can only be a broken connection; the
	// client will notice on its side.
	_ = json.NewEncoder(w).Encode(v)
}
