package reports

import (
	"fmt"
	"path/filepath"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
	"latencylab/profiles"
)

// runData is everything the report knows about a run.
type runData struct {
	dir     string
	run     *rundir.Run
	servers []*serverData // run.json order
}

// serverData is one server's files, read and summarized.
type serverData struct {
	rundir.ServerSummary
	dir       string               // the server's folder in the run
	rounds    []*rundir.LoadResult // one per round-<k>.json, k ascending
	roundKs   []int
	hist      *hdr.Histogram // every interval of every round; nil without .hlog
	intervals []intervalStat // per-interval p50/p99 across rounds
	before    *rundir.Stats
	after     *rundir.Stats
	profiles  map[string]bool        // profile file name -> present
	split     *profiles.CPUSplit     // from the system profile; nil without one
	runtime   []rundir.RuntimeTrace  // per round with runtime samples
	resources []rundir.ResourceTrace // per round of a soak
	notes     []string               // what is missing or unreadable, for the reader
}

// loadRun reads a run directory. Only an unreadable run.json is an
// error; anything else missing is noted on the server it belongs to.
func loadRun(dir string) (*runData, error) {
	run, err := rundir.Read(dir)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	rd := &runData{dir: dir, run: run}
	for _, s := range run.Servers {
		rd.servers = append(rd.servers, loadServer(dir, s))
	}
	return rd, nil
}

func loadServer(dir string, s rundir.ServerSummary) *serverData {
	sd := &serverData{ServerSummary: s, dir: filepath.Join(dir, s.Name), profiles: map[string]bool{}}
	if s.Failed {
		sd.note("failed: %s", orDash(s.FailReason))
	}
	sd.loadRounds(dir)
	sd.loadHlogs(dir)
	sd.before = sd.loadStats(dir, rundir.StatsBeforeFile)
	sd.after = sd.loadStats(dir, rundir.StatsAfterFile)
	for _, f := range []string{rundir.CPUProfileFile, rundir.WallProfileFile, rundir.AllocsFile, rundir.SysProfileFile, rundir.TraceFile} {
		sd.profiles[f] = rundir.Exists(dir, s.Name, f)
	}
	sd.loadSplit()
	sd.loadRuntime(dir)
	sd.loadResources(dir)
	if !s.Failed && !sd.profiles[rundir.CPUProfileFile] && s.Kind != rundir.KindReference && s.Kind != rundir.KindExternal {
		// A reference or external server has no Go profiles by design
		// (nginx is not Go; nethttp and fasthttp have them through lab
		// serve; the bench has no control endpoint in a user's server).
		sd.note("no CPU profile: no flame graph or profile diff")
	}
	return sd
}

// loadRuntime reads the runtime samples of each round, where there are.
func (sd *serverData) loadRuntime(dir string) {
	sd.runtime = loadRoundFiles[rundir.RuntimeTrace](sd, dir, rundir.RoundRuntime, "runtime samples")
}

// loadResources reads the resource samples of each round of a soak.
func (sd *serverData) loadResources(dir string) {
	sd.resources = loadRoundFiles[rundir.ResourceTrace](sd, dir, rundir.RoundResources, "resource samples")
}

// loadRoundFiles reads the optional per-round file name(k) of each
// round that has one, noting the unreadable ones.
func loadRoundFiles[T any](sd *serverData, dir string, name func(k int) string, what string) []T {
	var out []T
	for _, k := range sd.roundKs {
		path := filepath.Join(dir, sd.Name, name(k))
		if !rundir.Exists(path) {
			continue
		}
		var v T
		if err := readJSONFile(path, &v); err != nil {
			sd.note("round %d %s unreadable: %v", k, what, err)
			continue
		}
		out = append(out, v)
	}
	return out
}

// loadSplit reads the system profile's CPU split, if there is one.
func (sd *serverData) loadSplit() {
	if !sd.profiles[rundir.SysProfileFile] {
		return
	}
	p, err := profiles.ReadProfile(filepath.Join(sd.dir, rundir.SysProfileFile))
	if err != nil {
		sd.note("system profile unreadable: %v", err)
		return
	}
	split := profiles.SplitCPU(p)
	sd.split = &split
}

func (sd *serverData) loadRounds(dir string) {
	ks, err := rundir.Rounds(dir, sd.Name)
	if err != nil {
		sd.note("%v", err)
		return
	}
	for _, k := range ks {
		lr, err := rundir.ReadRound(dir, sd.Name, k)
		if err != nil {
			sd.note("round %d unreadable: %v", k, err)
			continue
		}
		sd.rounds = append(sd.rounds, lr)
		sd.roundKs = append(sd.roundKs, k)
	}
	if len(sd.rounds) == 0 && !sd.Failed {
		sd.note("no round results")
	}
}

func (sd *serverData) loadHlogs(dir string) {
	var logs [][]*hdr.Histogram
	for _, k := range sd.roundKs {
		path := filepath.Join(dir, sd.Name, rundir.RoundHlog(k))
		if !rundir.Exists(path) {
			sd.note("round %d has no .hlog", k)
			continue
		}
		hs, err := readHlog(path)
		if err != nil {
			sd.note("round %d .hlog unreadable: %v", k, err)
			continue
		}
		logs = append(logs, hs)
	}
	if len(logs) == 0 {
		return
	}
	sd.hist = mergeAll(logs)
	sd.intervals = perInterval(logs)
}

func (sd *serverData) loadStats(dir, file string) *rundir.Stats {
	if !rundir.Exists(dir, sd.Name, file) {
		return nil
	}
	st, err := rundir.ReadStats(dir, sd.Name, file)
	if err != nil {
		sd.note("%s unreadable: %v", file, err)
		return nil
	}
	return st
}

func (sd *serverData) note(format string, args ...any) {
	sd.notes = append(sd.notes, fmt.Sprintf(format, args...))
}

// usable reports whether the server produced measurements to chart.
func (sd *serverData) usable() bool { return !sd.Failed && sd.Rounds > 0 }

// stages and references split the servers by kind, keeping run order.
func (rd *runData) stages() []*serverData { return rd.byKind(rundir.KindStage) }

// stepFrom is where stage i of stages steps from: its base when the run
// has it before i (uring and multicore both change rawsyscall), else
// the stage before it.
func stepFrom(stages []*serverData, i int) *serverData {
	if b := stages[i].Base; b != "" {
		for _, s := range stages[:i] {
			if s.Name == b {
				return s
			}
		}
	}
	return stages[i-1]
}
func (rd *runData) references() []*serverData { return rd.byKind(rundir.KindReference) }
func (rd *runData) variants() []*serverData   { return rd.byKind(rundir.KindVariant) }
func (rd *runData) externals() []*serverData  { return rd.byKind(rundir.KindExternal) }

func (rd *runData) byKind(kind string) []*serverData {
	var out []*serverData
	for _, s := range rd.servers {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// server finds a server by name.
func (rd *runData) server(name string) *serverData {
	for _, s := range rd.servers {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func readJSONFile(path string, v any) error { return rundir.ReadJSON(path, v) }
