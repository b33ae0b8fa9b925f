package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lab merge without inputs is a usage error; unreadable or foreign inputs
// are errors that name the file.
func TestMergeCommandErrors(t *testing.T) {
	var ue usageError
	if err := runMerge(nil, io.Discard); !errors.As(err, &ue) {
		t.Errorf("no inputs: %v, want a usage error", err)
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	if err := runMerge([]string{missing}, io.Discard); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing input: %v", err)
	}
	notLoad := filepath.Join(dir, "other.json")
	if err := os.WriteFile(notLoad, []byte(`{"url": "http://x/", "requests": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runMerge([]string{notLoad}, io.Discard); err == nil || !strings.Contains(err.Error(), "not a sharded agent's result") {
		t.Errorf("a whole-plan result: %v", err)
	}
}
