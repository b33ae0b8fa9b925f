package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Read loads run.json from a run directory. Its server names become
// paths of the directory, so one that could leave it is refused.
func Read(dir string) (*Run, error) {
	var r Run
	path := filepath.Join(dir, RunFile)
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	for _, s := range r.Servers {
		if err := CheckName(s.Name); err != nil {
			return nil, fmt.Errorf("rundir: %s: server %w", path, err)
		}
	}
	return &r, nil
}

// ReadRound loads <server>/round-<k>.json.
func ReadRound(dir, server string, k int) (*LoadResult, error) {
	var lr LoadResult
	if err := readJSON(filepath.Join(dir, server, RoundJSON(k)), &lr); err != nil {
		return nil, err
	}
	return &lr, nil
}

// ReadStats loads one /stats snapshot of a server; file is StatsBeforeFile
// or StatsAfterFile.
func ReadStats(dir, server, file string) (*Stats, error) {
	var s Stats
	if err := readJSON(filepath.Join(dir, server, file), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Rounds lists the round numbers k for which <server>/round-<k>.json
// exists, ascending. A missing server folder is no rounds, not an error,
// because a failed server may have left nothing behind.
func Rounds(dir, server string) ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(dir, server))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rundir: list rounds of %s: %w", server, err)
	}
	var ks []int
	for _, e := range ents {
		if k, ok := roundNumber(e.Name(), ".json"); ok {
			ks = append(ks, k)
		}
	}
	sort.Ints(ks)
	return ks, nil
}

// roundNumber parses "round-<k><ext>".
func roundNumber(name, ext string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "round-")
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, ext)
	if !ok {
		return 0, false
	}
	k, err := strconv.Atoi(num)
	return k, err == nil
}

// Exists reports whether a file inside the run directory is present.
func Exists(dir string, elem ...string) bool {
	_, err := os.Stat(filepath.Join(append([]string{dir}, elem...)...))
	return err == nil
}

// ReadLoadResult reads a lab load --json file (§3).
func ReadLoadResult(path string) (*LoadResult, error) {
	var lr LoadResult
	if err := readJSON(path, &lr); err != nil {
		return nil, err
	}
	return &lr, nil
}

// ReadJSON reads any JSON file of a run into v: the run directory's
// types, each named by its file's function in this package.
func ReadJSON(path string, v any) error { return readJSON(path, v) }

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("rundir: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("rundir: parse %s: %w", path, err)
	}
	return nil
}
