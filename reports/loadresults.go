package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
	"latencylab/harness/runstats"
)

// LoadServer is the name a side made of lab load results has in a
// comparison: both sides' results pair under it.
const LoadServer = "load"

// isLoadResults reports whether dir is lab load results rather than a
// run directory: a JSON file, or a folder of them without run.json.
func isLoadResults(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return strings.HasSuffix(path, ".json")
	}
	return !rundir.Exists(path, rundir.RunFile)
}

// loadResults reads lab load results (a --json file, or every *.json of
// a folder, each with its --hlog beside it when there is one) as a run of
// one server, LoadServer, whose rounds are the results: a comparison of
// them is then a comparison of two runs, medians and U tests included.
func loadResults(path string) (*runData, error) {
	files, err := resultFiles(path)
	if err != nil {
		return nil, err
	}
	sd := &serverData{profiles: map[string]bool{}}
	var logs [][]*hdr.Histogram
	for _, f := range files {
		lr, err := rundir.ReadLoadResult(f)
		if err != nil {
			return nil, fmt.Errorf("reports: %s is not a lab load result: %w", f, err)
		}
		sd.rounds = append(sd.rounds, lr)
		sd.roundKs = append(sd.roundKs, len(sd.rounds))
		if hlog := strings.TrimSuffix(f, ".json") + ".hlog"; rundir.Exists(hlog) {
			hs, err := readHlog(hlog)
			if err != nil {
				return nil, err
			}
			logs = append(logs, hs)
		} else {
			sd.note("%s has no .hlog beside it: no spectrum for it", filepath.Base(f))
		}
	}
	trials := make([]rundir.LoadResult, len(sd.rounds))
	for i, lr := range sd.rounds {
		trials[i] = *lr
	}
	sd.ServerSummary = runstats.Summarize(runstats.Server{Name: LoadServer, Kind: rundir.KindExternal,
		Summary: "lab load results: " + sd.rounds[0].URL, Trials: trials})
	if len(logs) > 0 {
		sd.hist = mergeAll(logs)
		sd.intervals = perInterval(logs)
	}
	run := &rundir.Run{Scenario: rundir.Scenario{Name: "lab load", Rounds: len(files)}, Servers: []rundir.ServerSummary{sd.ServerSummary}}
	return &runData{dir: path, run: run, servers: []*serverData{sd}}, nil
}

// resultFiles lists the JSON results a path names, sorted.
func resultFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	files, _ := filepath.Glob(filepath.Join(path, "*.json"))
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("reports: %s holds no lab load result (*.json) and no run.json", path)
	}
	return files, nil
}
