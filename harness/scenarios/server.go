package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"latencylab/harness/rundir"
)

// Server is a server the lab did not ship: a name and the command that
// starts it, with {addr} (host:port), {host} or {port} where the bench
// puts the address it chose. lab bench --server NAME=COMMAND and a
// scenario's "external" list give them alike.
type Server struct {
	Name    string `json:"name"`
	Command string `json:"command"`
	// Pprof is the base of a Go server's net/http/pprof handlers
	// (http://{addr}/debug/pprof): the profiling pass pulls its CPU
	// profile there. Placeholders as in Command.
	Pprof string `json:"pprof,omitempty"`
}

// pprofOption ends a --server value that names the server's pprof base.
const pprofOption = ",pprof="

// Placeholders of a server's command.
var Placeholders = []string{"{addr}", "{host}", "{port}"}

// ParseServer reads NAME=COMMAND[,pprof=URL]. The option is the last
// ",pprof=" of the value, so a command may hold commas of its own.
func ParseServer(s string) (Server, error) {
	name, cmd, ok := strings.Cut(s, "=")
	var pprof string
	if i := strings.LastIndex(cmd, pprofOption); i >= 0 {
		cmd, pprof = cmd[:i], cmd[i+len(pprofOption):]
	}
	srv := Server{Name: strings.TrimSpace(name), Command: strings.TrimSpace(cmd), Pprof: strings.TrimSpace(pprof)}
	if !ok || srv.Command == "" {
		return Server{}, fmt.Errorf("--server %q: want NAME=COMMAND", s)
	}
	if err := srv.Validate(); err != nil {
		return Server{}, fmt.Errorf("--server %w", err)
	}
	return srv, nil
}

// Validate checks the name (it becomes a folder of the run) and that the
// command says where to listen: otherwise the bench could not know where
// to connect.
func (s Server) Validate() error {
	if err := rundir.CheckName(s.Name); err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	if s.Command == "" {
		return fmt.Errorf("%s: the command is empty", s.Name)
	}
	if !slices.ContainsFunc(Placeholders, func(p string) bool { return strings.Contains(s.Command, p) }) {
		return fmt.Errorf("%s: the command has none of %s, so the bench cannot know where it listens",
			s.Name, strings.Join(Placeholders, ", "))
	}
	if s.Pprof != "" && !strings.HasPrefix(s.Pprof, "http://") {
		return fmt.Errorf("%s: pprof %q: want an http:// URL, such as http://{addr}/debug/pprof", s.Name, s.Pprof)
	}
	return nil
}

// Variant is a stage served with extra lab serve flags (the Nagle pair, a
// pathology): the lab's own servers beside the ladder, defined by the
// scenario that runs them.
type Variant struct {
	Name    string   `json:"name"`
	Stage   string   `json:"stage"`          // the stage lab serve runs
	Args    []string `json:"args,omitempty"` // extra lab serve flags
	Env     []string `json:"env,omitempty"`  // extra environment, KEY=VALUE
	Summary string   `json:"summary"`        // one line for the report
	// LossPermille > 0 serves and loads it inside a network namespace
	// that drops that many TCP segments per thousand (internal/lossnet).
	LossPermille int `json:"loss_permille,omitempty"`
}

// MaxLossPermille bounds a variant's loss, as internal/lossnet does.
const MaxLossPermille = 100

// benchOwnedFlags are lab serve flags the bench sets itself: a variant
// may not set them.
var benchOwnedFlags = []string{"--stage", "--addr", "--cpu", "--control", "--control-allow-remote"}

// Validate checks a variant.
func (v Variant) Validate() error {
	var errs []error
	if err := rundir.CheckName(v.Name); err != nil {
		errs = append(errs, err)
	}
	if v.Stage == "" || v.Summary == "" {
		errs = append(errs, fmt.Errorf("%s: stage and summary are required", v.Name))
	}
	for _, a := range v.Args {
		flag, _, _ := strings.Cut(a, "=")
		if slices.Contains(benchOwnedFlags, flag) {
			errs = append(errs, fmt.Errorf("%s: %s is the bench's to set", v.Name, flag))
		}
	}
	for _, kv := range v.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			errs = append(errs, fmt.Errorf("%s: env %q: want KEY=VALUE", v.Name, kv))
		}
	}
	if v.LossPermille < 0 || v.LossPermille > MaxLossPermille {
		errs = append(errs, fmt.Errorf("%s: loss_permille %d not in 0..%d", v.Name, v.LossPermille, MaxLossPermille))
	}
	return errors.Join(errs...)
}

// VariantNames lists the scenario's variants by name.
func (s Scenario) VariantNames() []string {
	var out []string
	for _, v := range s.Variants {
		out = append(out, v.Name)
	}
	return out
}
