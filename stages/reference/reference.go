// Package reference holds the servers that run beside the ladder but are not
// part of it: Go's net/http and valyala/fasthttp. They serve the same hello
// app contract as the stages (CONTRACTS.md §2) so that the bench can put them
// under the same load and read the same /stats document.
//
// They are stock servers on purpose: no wrapped connections, no tuned
// buffers. Counters that would need wrapping every net.Conn (bytes, syscalls)
// are reported as 0 or empty rather than bought with a change to what is
// measured.
package reference

import (
	"context"
	"fmt"
	"strings"
)

// Server is a running reference server.
type Server interface {
	// Addr is the address the server listens on (the real port when the
	// requested one was 0).
	Addr() string
	// Serve answers connections until Shutdown; it returns nil after a
	// graceful shutdown.
	Serve() error
	// Shutdown stops accepting, waits for active requests until ctx ends,
	// and closes the listener.
	Shutdown(ctx context.Context) error
}

// kind is one reference server: its name and its constructor.
type kind struct {
	name   string
	listen func(addr string) (Server, error)
}

// kinds lists the reference servers in the order the bench shows them.
func kinds() []kind {
	return []kind{
		{"nethttp", newNetHTTP},   // Go net/http: goroutine per connection, bufio, stock settings
		{"fasthttp", newFastHTTP}, // valyala/fasthttp: worker pool, pooled request contexts, zero-alloc API
	}
}

// Names lists the reference servers.
func Names() []string {
	var names []string
	for _, k := range kinds() {
		names = append(names, k.name)
	}
	return names
}

// New listens on addr (port 0 picks a free port) with the named server. The
// caller runs Serve.
func New(name, addr string) (Server, error) {
	for _, k := range kinds() {
		if k.name == name {
			return k.listen(addr)
		}
	}
	return nil, fmt.Errorf("unknown reference server %q (have %s)", name, strings.Join(Names(), ", "))
}
