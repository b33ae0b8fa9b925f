// Package httpd is HTTP/1.1 on the one core: it binds the parser, an app and
// a stage's strategies into a core.Handler, and wires a reactor around it.
package httpd

import (
	"fmt"
	"time"

	"latencylab/stages/app"
	"latencylab/stages/core"
	"latencylab/stages/http1"
)

// Config is one HTTP server: its reactors' core configuration, the
// stage's HTTP strategies and the app.
type Config struct {
	Stage string // reported by /stats
	// Core gives reactor i its core settings, each with its own buffer
	// pool (stages.Stage.CoreConfig builds one). Required.
	Core       func(i int) core.Config
	Strategies Strategies
	Limits     http1.Limits // zero: http1.DefaultLimits()
	// App builds the app; it gets the server's /stats source. nil: hello.
	// Each reactor gets its own.
	App func(stats app.StatsFunc) app.Handler
	// SplitWrite replaces the stage's encoder with the two-write one
	// (header block, then body): the Nagle demonstration.
	SplitWrite bool
	// Group is how many reactors serve and how connections are spread;
	// zero: one reactor.
	Group core.GroupConfig
}

// Server is an HTTP server on a group of reactors (one, for every stage
// but multicore), each with its own handler.
type Server struct {
	stage    string
	group    *core.Group
	handlers []*handler
	started  time.Time
}

// New binds the listener(s); Serve runs the loops.
func New(cfg Config) (*Server, error) {
	if cfg.Limits == (http1.Limits{}) {
		cfg.Limits = http1.DefaultLimits()
	}
	strat := cfg.Strategies
	if strat.Objects == nil || strat.Encoder == nil {
		return nil, fmt.Errorf("httpd: stage %q: objects and encoder strategies are required", cfg.Stage)
	}
	if cfg.SplitWrite {
		strat.Encoder = NewSplitEncoder
	}
	gc := cfg.Group
	gc.Reactors = max(gc.Reactors, 1)
	coreFor := cfg.Core
	if coreFor == nil {
		return nil, fmt.Errorf("httpd: stage %q: no core configuration", cfg.Stage)
	}
	s := &Server{stage: cfg.Stage, started: time.Now()}
	build := cfg.App
	if build == nil {
		build = func(stats app.StatsFunc) app.Handler { return app.NewHello(stats) }
	}
	for range gc.Reactors {
		s.handlers = append(s.handlers, newHandler(strat, build(s.Stats), cfg.Limits))
	}
	reactorCore := func(i int) core.Config {
		c := coreFor(i)
		if c.ReadBufferMax == 0 {
			c.ReadBufferMax = InputMax(cfg.Limits)
		}
		if c.Reject == nil {
			c.Reject = s.handlers[i].refusal
		}
		return c
	}
	g, err := core.NewGroup(gc, reactorCore, func(i int) core.Handler { return s.handlers[i] })
	if err != nil {
		return nil, fmt.Errorf("httpd: stage %q: %w", cfg.Stage, err)
	}
	for i, h := range s.handlers {
		h.inputMax = g.Reactor(i).Config().ReadBufferMax
	}
	s.group = g
	return s, nil
}

// inputSlack covers the request line's method, version and line ends.
const inputSlack = 4 << 10

// InputMax is the read buffer one request may need under limits l: the
// largest target, header block and body, plus slack. A request that fills
// it is answered 413 or 431, never dropped.
func InputMax(l http1.Limits) int {
	return l.MaxTargetBytes + l.MaxHeaderBytes + int(l.MaxBodyBytes) + inputSlack
}

// Addr is the bound address.
func (s *Server) Addr() string { return s.group.Addr() }

// Serve runs the reactors until shutdown.
func (s *Server) Serve() error { return s.group.Serve() }

// Shutdown begins a graceful drain of every reactor; Serve returns when it
// is done.
func (s *Server) Shutdown() { s.group.Shutdown() }

// Close stops at once.
func (s *Server) Close() { s.group.Close() }

// Stats is the /stats document: the core's counters, the HTTP counters and
// the runtime's allocation and GC counts, summed over the reactors, and
// each reactor's share.
func (s *Server) Stats() app.Stats {
	cs := s.group.Stats()
	allocs, gcs := app.RuntimeCounters()
	st := app.Stats{
		Stage:               s.stage,
		UptimeMS:            time.Since(s.started).Milliseconds(),
		BytesReceived:       cs.BytesReceived,
		BytesSent:           cs.BytesSent,
		ConnectionsActive:   cs.ConnectionsActive,
		ConnectionsAccepted: cs.ConnectionsAccepted,
		ConnectionsRejected: cs.ConnectionsRejected,
		MemoryRejected:      cs.MemoryRejected,
		MemoryHeldBytes:     cs.MemoryHeld,
		MemoryPeakBytes:     cs.MemoryPeak,
		MemoryMaxBytes:      uint64(s.group.MemoryMax()),
		HeapAllocs:          allocs,
		GCCycles:            gcs,
		Syscalls:            cs.SyscallMap(),
		UringSQEs:           cs.UringSQEs,
		UringCQEs:           cs.UringCQEs,
		Rejected:            map[string]uint64{},
		Balance:             s.group.BalanceName(),
	}
	for i, h := range s.handlers {
		ok, bad := h.requestsOK.Load(), h.requestsError.Load()
		st.RequestsOK += ok
		st.RequestsError += bad
		for code, n := range h.rejections() {
			st.Rejected[code] += n
		}
		rs := s.group.Reactor(i).Stats()
		st.Reactors = append(st.Reactors, app.ReactorStats{
			ConnectionsActive:   rs.ConnectionsActive,
			ConnectionsAccepted: rs.ConnectionsAccepted,
			RequestsTotal:       ok + bad,
			LatencyEstimateNS:   int64(s.group.Reactor(i).LatencyEstimate()),
		})
	}
	st.RequestsTotal = st.RequestsOK + st.RequestsError
	return st
}
