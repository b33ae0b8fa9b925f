// Package echo is the smallest protocol on the core: every byte read is
// written back. It is the seed's "Phase 1" echo server and proves the core
// is protocol-agnostic (lab serve --proto echo).
package echo

import "latencylab/stages/core"

// Handler writes back whatever it reads. It keeps no state, so one value
// serves every connection; a zero Handler is ready to use.
type Handler struct{}

// New returns the echo protocol as a core.Handler.
func New() core.Handler { return Handler{} }

// Open does nothing: echo has no greeting and no per-connection state.
func (Handler) Open(*core.Conn) {}

// Data echoes all of in (one inline write) and consumes it. While the
// reactor drains, the connection closes after this echo.
func (Handler) Data(c *core.Conn, in []byte) int {
	c.Write(in)
	if c.Draining() {
		c.CloseAfterWrite()
	}
	return len(in)
}

// Close does nothing.
func (Handler) Close(*core.Conn) {}
