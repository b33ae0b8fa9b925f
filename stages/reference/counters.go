package reference

import (
	"sync/atomic"
	"time"

	"latencylab/stages/app"
)

// counters are the /stats numbers a stock server can keep without changing
// how it handles connections: requests by outcome and connections from the
// server's own connection-state hook. Bytes and syscalls would need a wrapped
// net.Conn, which changes the server (net/http type-asserts *net.TCPConn for
// CloseWrite), so they stay 0 / empty.
type counters struct {
	stage    string
	started  time.Time
	ok       atomic.Uint64
	failed   atomic.Uint64
	accepted atomic.Uint64
	closed   atomic.Uint64
}

func newCounters(stage string) *counters {
	return &counters{stage: stage, started: time.Now()}
}

// request counts one answered request by its status.
func (c *counters) request(status int) {
	if status < 400 {
		c.ok.Add(1)
		return
	}
	c.failed.Add(1)
}

func (c *counters) connOpened() { c.accepted.Add(1) }
func (c *counters) connClosed() { c.closed.Add(1) }

// snapshot is the /stats document.
func (c *counters) snapshot() app.Stats {
	heapAllocs, gcCycles := app.RuntimeCounters()
	ok, failed := c.ok.Load(), c.failed.Load()
	accepted := c.accepted.Load()
	active := accepted - min(accepted, c.closed.Load())
	return app.Stats{
		Stage:               c.stage,
		UptimeMS:            time.Since(c.started).Milliseconds(),
		RequestsTotal:       ok + failed,
		RequestsOK:          ok,
		RequestsError:       failed,
		ConnectionsActive:   active,
		ConnectionsAccepted: accepted,
		HeapAllocs:          heapAllocs,
		GCCycles:            gcCycles,
		Syscalls:            map[string]uint64{},
	}
}
