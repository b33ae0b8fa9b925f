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
}

// Placeholders of a server's command.
var Placeholders = []string{"{addr}", "{host}", "{port}"}

// ParseServer reads NAME=COMMAND.
func ParseServer(s string) (Server, error) {
	name, cmd, ok := strings.Cut(s, "=")
	srv := Server{Name: strings.TrimSpace(name), Command: strings.TrimSpace(cmd)}
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
	return nil
}
