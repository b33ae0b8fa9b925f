package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
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
//	POST /profile/start                 200; 409 if already running
//	POST /profile/stop?dir=ABSOLUTE_DIR 200 with a JSON array of the files
//	                                    written; 409 if not running;
//	                                    400 if dir is not an existing
//	                                    absolute directory
//	GET  /runtime                       200 with rundir.RuntimeRead: GC
//	                                    cycles, GC pauses and scheduler
//	                                    latencies (runtime/metrics)
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

func (c *controller) start(w http.ResponseWriter, _ *http.Request) {
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
	dir := r.URL.Query().Get("dir")
	// The directory is checked before stopping, so that a typo does not
	// throw the window away: the caller can retry with a good dir.
	if err := checkDir(dir); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	files, err := c.session.Stop(dir)
	switch {
	case errors.Is(err, ErrNotRunning):
		http.Error(w, err.Error(), http.StatusConflict)
		return
	case err != nil:
		c.log.Error("profile stop", "dir", dir, "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c.log.Info("profile stopped", "dir", dir, "files", len(files))
	writeJSON(w, files)
}

// checkDir accepts only an existing absolute directory: a relative path
// would resolve against the server's working directory, which the
// caller cannot see.
func checkDir(dir string) error {
	if dir == "" || !filepath.IsAbs(dir) {
		return fmt.Errorf("dir must be an absolute path, got %q", dir)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("dir %q is not a directory", dir)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	// An encoding error here can only be a broken connection; the
	// client will notice on its side.
	_ = json.NewEncoder(w).Encode(v)
}
