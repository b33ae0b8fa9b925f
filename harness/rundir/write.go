package rundir

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteJSON writes v as indented JSON to path, creating parent folders.
// Indented so that a person (and grep in scripts) can read run files.
func WriteJSON(path string, v any) error {
	b, err := marshal(v)
	if err != nil {
		return fmt.Errorf("rundir: encode %s: %w", filepath.Base(path), err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
}

// EncodeJSON writes v to w as WriteJSON writes it to a file (lab load
// --json -, or a file its caller opened).
func EncodeJSON(w io.Writer, v any) error {
	b, err := marshal(v)
	if err != nil {
		return fmt.Errorf("rundir: encode: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("rundir: write: %w", err)
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Write writes run.json into dir.
func (r *Run) Write(dir string) error {
	return WriteJSON(filepath.Join(dir, RunFile), r)
}

// WriteStats writes one /stats snapshot of a server (file is
// StatsBeforeFile or StatsAfterFile).
func WriteStats(dir, server, file string, s *Stats) error {
	return WriteJSON(filepath.Join(dir, server, file), s)
}
