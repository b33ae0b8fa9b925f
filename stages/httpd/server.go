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

// Config is one HTTP server: a core configuration, the stage's HTTP
// strategies and the app.
type Config struct {
	Stage      string // reported by /stats
	Core       core.Config
	Strategies Strategies
	Limits     http1.Limits // zero: http1.DefaultLimits()
	// App builds the app; it gets the server's /stats source. nil: hello.
	App func(stats app.StatsFunc) app.Handler
	// SplitWrite replaces the stage's encoder with the two-write one
	// (header block, then body): the Nagle demonstration.
	SplitWrite bool
}

// Server is an HTTP server on one reactor.
type Server struct {
	stage   string
	reactor *core.Reactor
	handler *handler
	started time.Time
}

// New binds the listener; Serve runs the loop.
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
	s := &Server{stage: cfg.Stage, started: time.Now()}
	build := cfg.App
	if build == nil {
		build = func(stats app.StatsFunc) app.Handler { return app.NewHello(stats) }
	}
	if cfg.Core.ReadBufferMax == 0 {
		cfg.Core.ReadBufferMax = InputMax(cfg.Limits)
	}
	s.handler = newHandler(strat, build(s.Stats), cfg.Limits)
	if cfg.Core.Reject == nil {
		cfg.Core.Reject = s.handler.refusal
	}
	r, err := core.New(cfg.Core, s.handler)
	if err != nil {
		return nil, fmt.Errorf("httpd: stage %q: %w", cfg.Stage, err)
	}
	s.handler.inputMax = r.Config().ReadBufferMax
	s.reactor = r
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
func (s *Server) Addr() string { return s.reactor.Addr() }

// Serve runs the reactor on the calling goroutine until shutdown.
func (s *Server) Serve() error { return s.reactor.Serve() }

// Shutdown begins a graceful drain; Serve returns when it is done.
func (s *Server) Shutdown() { s.reactor.Shutdown() }

// Close stops at once.
func (s *Server) Close() { s.reactor.Close() }

// Stats is the /stats document: the core's counters, the HTTP counters and
// the runtime's allocation and GC counts.
func (s *Server) Stats() app.Stats {
	cs := s.reactor.Stats()
	allocs, gcs := app.RuntimeCounters()
	ok, bad := s.handler.requestsOK.Load(), s.handler.requestsError.Load()
	return app.Stats{
		Stage:               s.stage,
		UptimeMS:            time.Since(s.started).Milliseconds(),
		RequestsTotal:       ok + bad,
		RequestsOK:          ok,
		RequestsError:       bad,
		BytesReceived:       cs.BytesReceived,
		BytesSent:           cs.BytesSent,
		ConnectionsActive:   cs.ConnectionsActive,
		ConnectionsAccepted: cs.ConnectionsAccepted,
		ConnectionsRejected: cs.ConnectionsRejected,
		MemoryRejected:      cs.MemoryRejected,
		MemoryHeldBytes:     cs.MemoryHeld,
		MemoryPeakBytes:     cs.MemoryPeak,
		MemoryMaxBytes:      uint64(s.reactor.Config().MemoryMax),
		HeapAllocs:          allocs,
		GCCycles:            gcs,
		Syscalls:            cs.SyscallMap(),
		Rejected:            s.handler.rejections(),
	}
}
