package bench

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"latencylab/harness/rundir"
	"latencylab/internal/control"
	"latencylab/profiles"
)

// The test binary doubles as a fake lab binary when fakeLabEnv is set: it
// answers `stages`, `serve` and `load` quickly and predictably, so that the
// orchestration (processes, failures, files) is tested without the real
// servers and load generator. Behaviour is steered by environment
// variables, which the children inherit from the test.
const (
	fakeLabEnv    = "LABBENCH_FAKE_LAB"    // "1": act as lab
	fakeStagesEnv = "LABBENCH_FAKE_STAGES" // comma-separated ladder; default naive,stackbuf
	fakeExitEnv   = "LABBENCH_FAKE_EXIT"   // servers that exit at once with a message
	fakeDieEnv    = "LABBENCH_FAKE_DIE"    // servers that exit on their first /plaintext
	fakePidsEnv   = "LABBENCH_FAKE_PIDS"   // folder where every fake child writes its pid
	fakeTakenEnv  = "LABBENCH_FAKE_TAKEN"  // marker file: the first serve to create it reports its port taken
	fakeAllocs    = 7                      // heap allocations the fake reports per request
)

func fakeLab(args []string) int {
	if dir := os.Getenv(fakePidsEnv); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), nil, 0o644)
	}
	if len(args) == 0 {
		return 2
	}
	var err error
	switch args[0] {
	case "stages":
		err = fakeStages()
	case "serve":
		err = fakeServe(args[1:])
	case "load":
		err = fakeLoad(args[1:])
	default:
		err = fmt.Errorf("fake lab: unknown command %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake lab:", err)
		return 1
	}
	return 0
}

func fakeStages() error {
	names := os.Getenv(fakeStagesEnv)
	if names == "" {
		names = "naive,stackbuf"
	}
	for _, n := range strings.Split(names, ",") {
		fmt.Printf("%s\tfake %s\n", n, n)
	}
	return nil
}

func envList(key string) []string { return strings.Split(os.Getenv(key), ",") }

func fakeServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	stage := fs.String("stage", "", "")
	addr := fs.String("addr", "", "")
	controlAddr := fs.String("control", "", "")
	fs.String("cpu", "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if slices.Contains(envList(fakeExitEnv), *stage) {
		return fmt.Errorf("stage %s: deliberate start failure", *stage)
	}
	if marker := os.Getenv(fakeTakenEnv); marker != "" {
		if f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL, 0o644); err == nil {
			f.Close()
			return fmt.Errorf("listen tcp %s: bind: address already in use", *addr)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	cln, err := net.Listen("tcp", *controlAddr)
	if err != nil {
		return err
	}
	// The real guard: the bench must hand its token to the child.
	token, _, err := control.TokenFromEnv("")
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(cln, control.Guard(http.HandlerFunc(fakeControl), token, false)) }()
	return http.Serve(ln, fakeServer(*stage, slices.Contains(envList(fakeDieEnv), *stage)))
}

// fakeServer counts /plaintext hits and reports them as /stats.
func fakeServer(stage string, die bool) http.Handler {
	var hits atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stats" {
			n := hits.Load()
			_ = json.NewEncoder(w).Encode(rundir.Stats{
				Stage: stage, RequestsTotal: n, RequestsOK: n, HeapAllocs: fakeAllocs * n,
				GCCycles: n / 2, Syscalls: map[string]uint64{"read": 2 * n, "write": n},
			})
			return
		}
		if die {
			fmt.Fprintln(os.Stderr, "fake serve: deliberate crash")
			os.Exit(3)
		}
		hits.Add(1)
		fmt.Fprint(w, "Hello, World!")
	})
}

func fakeControl(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/profile/stop" {
		var files []profiles.File
		for _, f := range profiles.FileNames() {
			files = append(files, profiles.File{Name: f, Data: []byte("fake")})
		}
		_ = profiles.WriteArchive(w, files)
	}
}

// fakeLoad sends one request (so that a dead server fails it), then writes
// a result whose throughput depends on the server's port, deterministic.
func fakeLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	jsonPath := fs.String("json", "", "")
	hlogPath := fs.String("hlog", "", "")
	conns := fs.Int("conns", 0, "")
	fs.Duration("duration", 0, "")
	fs.Duration("warmup", 0, "")
	fs.Duration("timeout", 0, "")
	fs.Float64("rate", 0, "")
	fs.String("mode", "", "")
	fs.String("cpu", "", "")
	fs.Duration("spin", 0, "")
	url := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if *hlogPath != "" {
		if err := os.WriteFile(*hlogPath, []byte("#fake\n"), 0o644); err != nil {
			return err
		}
	}
	return rundir.WriteJSON(*jsonPath, rundir.LoadResult{
		URL: url, Conns: *conns, Requests: 1000, WarmupReqs: 100, ThroughputRPS: 1000,
		Latency: rundir.Percentiles{Mean: 1e6, P50: 9e5, P90: 2e6, P99: 3e6, P999: 4e6, Max: 5e6},
		Service: rundir.Percentiles{Mean: 1e5, P99: 3e5},
		Errors:  map[string]int64{},
	})
}
