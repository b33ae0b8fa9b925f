package rundir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// WriteJSON writes v as indented JSON to path, creating parent folders.
// Indented so that a person (and grep in scripts) can read run files.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("rundir: encode %s: %w", filepath.Base(path), err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	return nil
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
