package scenarios

import (
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
