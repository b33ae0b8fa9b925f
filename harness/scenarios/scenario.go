// Package scenarios holds the loads lab bench applies, as data: one JSON file
// per scenario, embedded in the binary. A scenario names the path, the
// client mode, the connections, the rate (fixed, or a rule that derives it
// from a measured capacity), the warm-up, the measured duration, the
// rounds, the profiling window, and the overrides of --quick.
package scenarios

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"
)

//go:embed *.json
var files embed.FS

// Scenario is one load, as its JSON file declares it.
type Scenario struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Path        string    `json:"path"`
	Mode        string    `json:"mode"` // keepalive | close | pipeline=N
	Conns       int       `json:"conns"`
	Rate        float64   `json:"rate"`                // req/s; 0 with no rule: closed loop
	RateRule    *RateRule `json:"rate_rule,omitempty"` // derive the rate from a probe
	Warmup      Duration  `json:"warmup"`              // per trial, excluded
	Duration    Duration  `json:"duration"`            // measured, per trial
	Rounds      int       `json:"rounds"`
	Profile     Duration  `json:"profile"` // load window of the profiling pass
	Timeout     Duration  `json:"timeout"` // per request
	Quick       Overrides `json:"quick"`
	// Variants are stages with extra serve flags (such as the Nagle
	// split-write pair) that run by default in this scenario.
	Variants []Variant `json:"variants,omitempty"`
	// VariantRate is the rate of the variants when set: 0 is a closed
	// loop, R > 0 an open loop; absent, they take the scenario's rate. The
	// Nagle pair needs a closed loop: Linux delays an ACK only on a busy
	// request/response connection, so a sparse open loop hides the stall
	// and a dense one turns it into a queue.
	VariantRate *float64 `json:"variant_rate,omitempty"`
	// Servers, when set, is the scenario's own default server list (the
	// balance scenario runs the multicore variants only); --servers
	// still overrides it.
	Servers []string `json:"servers,omitempty"`
	// Background is a second load that runs beside every measured trial
	// and is not measured itself: connection churn beside the measured
	// connections.
	Background *Background `json:"background,omitempty"`
	// Sample, when set, polls each lab server's /stats at this interval
	// during the measured trials, for the per-reactor connection counts
	// and the imbalance figure (round-<k>-reactors.json).
	Sample Duration `json:"sample,omitempty"`
	// Runtime samples each Go server's runtime/metrics (GC, scheduler)
	// every 100 ms during the trials, for the gc-pause diagnosis. Off by
	// default: each read allocates in the server (about 80 objects), which
	// would show in a zero-allocation stage's allocations per request
	// (measured: 0.034 at the ladder's rate instead of 0.0001).
	Runtime bool `json:"runtime,omitempty"`
	// ServerLoads gives named servers a load of their own instead of the
	// scenario's: each pathology needs the load that provokes it.
	ServerLoads map[string]Background `json:"server_loads,omitempty"`
	// Sweep, when set, makes this a sweep: instead of one rate for every
	// server, each server's own capacity is probed and its latency
	// measured at a ladder of offered rates around it.
	Sweep *SweepPlan `json:"sweep,omitempty"`
	// Soak, when set, makes this a soak: long trials with the server's
	// resources (RSS, fds, goroutines, /stats) sampled throughout, and a
	// verdict on whether they stayed flat (round-<k>-resources.json).
	Soak *SoakPlan `json:"soak,omitempty"`
	// External are servers the lab did not ship, run beside the selected
	// ones as lab bench --server runs them.
	External []Server `json:"external,omitempty"`
}

// SoakPlan is the shape of a soak. Both are relative to the trial, so
// that a soak of any length (lab bench --duration) keeps its shape.
type SoakPlan struct {
	Samples int     `json:"samples"` // over the measured window, evenly spaced
	Settle  float64 `json:"settle"`  // share of the window at its start that is not judged
}

// Every is the sampling interval of a soak of duration d.
func (p SoakPlan) Every(d time.Duration) time.Duration { return d / time.Duration(p.Samples) }

// SweepPlan is the shape of a sweep.
type SweepPlan struct {
	Fractions []float64 `json:"fractions"` // of the probe, ascending
	Bisect    int       `json:"bisect"`    // bisection steps per round near the knee
	Probe     Duration  `json:"probe"`     // one closed-loop probe window
	Probes    int       `json:"probes"`    // probe windows; the best counts
}

// Background is the load beside the measured one.
type Background struct {
	Mode  string  `json:"mode"`
	Conns int     `json:"conns"`
	Rate  float64 `json:"rate"` // req/s; 0: closed loop
}

// RateRule derives an open-loop rate from short closed-loop probes of one
// server: rate = Factor × the best probe's throughput, clamped to
// [Min, Max]. The best of several probes is taken because on a shared
// machine noise only ever lowers a measured capacity.
type RateRule struct {
	Server   string   `json:"server"`   // the server probed, e.g. naive
	Conns    int      `json:"conns"`    // probe connections
	Mode     string   `json:"mode"`     // probe client mode
	Duration Duration `json:"duration"` // measured window of one probe
	Probes   int      `json:"probes"`   // probe windows; the best counts
	Factor   float64  `json:"factor"`
	Min      float64  `json:"min"`
	Max      float64  `json:"max"`
}

// Overrides are what --quick changes; zero fields keep the full value.
type Overrides struct {
	Warmup        Duration `json:"warmup"`
	Duration      Duration `json:"duration"`
	Rounds        int      `json:"rounds"`
	Profile       Duration `json:"profile"`
	ProbeDuration Duration `json:"probe_duration"`
}

// Names lists the embedded scenarios, sorted.
func Names() []string {
	ents, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil // the pattern is constant and valid
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e, ".json"))
	}
	sort.Strings(names)
	return names
}

// MaxFileBytes bounds a scenario file read from disk.
const MaxFileBytes = 1 << 20

// IsPath reports whether --scenario names a file rather than an embedded
// scenario.
func IsPath(arg string) bool {
	return strings.HasSuffix(arg, ".json") || strings.ContainsRune(arg, '/')
}

// LoadFile reads and validates a scenario file; its errors name the file
// and the field.
func LoadFile(path string) (Scenario, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return Scenario{}, fmt.Errorf("scenario file: %w", err)
	case !fi.Mode().IsRegular() || fi.Size() > MaxFileBytes:
		return Scenario{}, fmt.Errorf("scenario file %s: want a regular file of at most %d bytes", path, MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario file: %w", err)
	}
	s, err := Parse(data)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario file %s: %w", path, err)
	}
	return s, nil
}

// Load reads and validates an embedded scenario by name.
func Load(name string) (Scenario, error) {
	data, err := files.ReadFile(name + ".json")
	if err != nil {
		return Scenario{}, fmt.Errorf("unknown scenario %q (have %s)", name, strings.Join(Names(), ", "))
	}
	s, err := Parse(data)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", name, err)
	}
	if s.Name != name {
		return Scenario{}, fmt.Errorf("scenario file %s.json names itself %q", name, s.Name)
	}
	return s, nil
}

// Parse decodes and validates one scenario. Unknown keys are errors, so a
// typo in a file cannot silently fall back to a default.
func Parse(data []byte) (Scenario, error) {
	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Scenario{}, fmt.Errorf("parse: %w", err)
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// WithQuick applies the --quick overrides.
func (s Scenario) WithQuick() Scenario {
	q := s.Quick
	if q.Warmup.D > 0 {
		s.Warmup = q.Warmup
	}
	if q.Duration.D > 0 {
		s.Duration = q.Duration
	}
	if q.Rounds > 0 {
		s.Rounds = q.Rounds
	}
	if q.Profile.D > 0 {
		s.Profile = q.Profile
	}
	if q.ProbeDuration.D > 0 && s.RateRule != nil {
		rule := *s.RateRule
		rule.Duration = q.ProbeDuration
		s.RateRule = &rule
	}
	if q.ProbeDuration.D > 0 && s.Sweep != nil {
		plan := *s.Sweep
		plan.Probe = q.ProbeDuration
		s.Sweep = &plan
	}
	return s
}
