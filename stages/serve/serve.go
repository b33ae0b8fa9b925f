// Package serve is lab serve's policy: what a command line's settings
// make of a stage, a reference server or the echo protocol, layered once
// (the core's defaults, the stage's strategies, then only what was given)
// and checked before anything is bound. It has no side effect: the GOMAXPROCS
// a server needs is Procs's answer, for the caller to apply.
package serve

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"latencylab/stages"
	"latencylab/stages/app"
	"latencylab/stages/core"
	"latencylab/stages/echo"
	"latencylab/stages/http1"
	"latencylab/stages/httpd"
	"latencylab/stages/reference"
)

// Settings are lab serve's, as its flags give them. A "stage" value of
// Nagle, Syscalls, Wait and Balance keeps the stage's choice.
type Settings struct {
	Stage, Addr, App, Proto        string
	Nagle, Syscalls, Wait, Balance string
	Send                           string // io_uring stages: stage, ring or write
	Reactors                       int    // 0: the stage's (one, or for multicore one per CPU)
	CPUs                           []int  // the server's CPUs; several reactors are pinned round them
	SplitWrite                     bool
	MaxBody                        int64
	// Core holds the limits; each replaces the stage's choice or the
	// core's default only when Given names it (by its flag: backlog,
	// max-conns, read-buffer, header-timeout, idle-timeout,
	// write-timeout, drain-timeout, memory-max).
	// Core.Logger is the server's log.
	Core  core.Config
	Given map[string]bool
}

// SettingsError is a setting that cannot be served: a usage error.
type SettingsError struct{ Msg string }

func (e SettingsError) Error() string { return e.Msg }

func settingsError(msg string) error { return SettingsError{msg} }

// Procs is the GOMAXPROCS that s's server needs: a P for each reactor's
// thread (and an acceptor's), so that on fewer CPUs than reactors the
// kernel time-slices the threads, as it would processes.
func Procs(s Settings) (int, error) {
	if isReference(s.Stage) || s.Proto == "echo" {
		return 1, nil
	}
	st, ok := stages.Lookup(s.Stage)
	if !ok {
		return 1, nil // Build says why
	}
	gc, err := s.groupConfig(st)
	if err != nil {
		return 0, err
	}
	return procsFor(gc), nil
}

// Server is what lab serve runs: a stage, the echo protocol or a reference.
type Server interface {
	Addr() string
	Serve() error
	Shutdown()
	Close()
}

// Build makes the server s describes, bound but not serving.
func Build(f Settings) (Server, error) {
	if f.Proto != "http" && f.Proto != "echo" {
		return nil, settingsError(fmt.Sprintf("--proto %q: want http or echo", f.Proto))
	}
	if f.App != "hello" && f.App != "echo" {
		return nil, settingsError(fmt.Sprintf("--app %q: want hello or echo", f.App))
	}
	if isReference(f.Stage) {
		return newReference(f)
	}
	st, ok := stages.Lookup(f.Stage)
	if !ok {
		return nil, settingsError(fmt.Sprintf("unknown stage %q (stages: %s; references: %s)",
			f.Stage, strings.Join(stages.Names(), ", "), strings.Join(reference.Names(), ", ")))
	}
	cfg, err := CoreConfig(f, st)
	if err != nil {
		return nil, err
	}
	if f.Proto == "echo" {
		if f.Given["reactors"] || f.Given["balance"] {
			return nil, settingsError("--reactors and --balance apply to --proto http")
		}
		r, err := core.New(cfg, echo.New())
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	group, err := f.groupConfig(st)
	if err != nil {
		return nil, err
	}
	hc := httpd.Config{Stage: st.Name, Strategies: st.HTTP, SplitWrite: f.SplitWrite, Limits: http1.DefaultLimits(),
		Group: group, Core: func(int) core.Config { return st.CoreConfig(f.overrides) }}
	hc.Limits.MaxBodyBytes = f.MaxBody
	if max := httpd.InputMax(hc.Limits); f.Core.ReadBufferSize > max {
		return nil, settingsError(fmt.Sprintf("--read-buffer %d is over %d, the largest request the HTTP limits allow (raise --max-body first)", f.Core.ReadBufferSize, max))
	}
	if f.App == "echo" {
		hc.App = func(app.StatsFunc) app.Handler { return app.Echo{} }
	}
	return httpd.New(hc)
}

// validate rejects limits that would otherwise fall back to defaults
// silently (the core reads 0 as "default") or make no sense.
func (f Settings) validate() error {
	positive := []struct {
		flag string
		ok   bool
	}{
		{"--max-conns", f.Core.MaxConns > 0},
		{"--read-buffer", f.Core.ReadBufferSize > 0},
		{"--header-timeout", f.Core.HeaderTimeout > 0},
		{"--idle-timeout", f.Core.IdleTimeout > 0},
		{"--write-timeout", f.Core.WriteTimeout > 0},
		{"--drain-timeout", f.Core.DrainTimeout > 0},
		{"--max-body", f.MaxBody > 0},
		{"--memory-max", f.Core.MemoryMax > 0},
		{"--backlog", f.Core.Backlog > 0 || !f.Given["backlog"]}, // not given: the stage's
		{"--recv-buffers", f.Core.RecvBuffers > 0 || !f.Given["recv-buffers"]},
		{"--recv-buffer-size", f.Core.RecvBufferSize > 0 || !f.Given["recv-buffer-size"]},
	}
	for _, p := range positive {
		if !p.ok {
			return settingsError(fmt.Sprintf("%s must be positive", p.flag))
		}
	}
	if f.Core.MemoryMax < f.Core.ReadBufferSize {
		return settingsError(fmt.Sprintf("--memory-max %d is below --read-buffer %d: no connection could read",
			f.Core.MemoryMax, f.Core.ReadBufferSize))
	}
	return nil
}

// coreConfig layers the reactor's settings: the core's defaults, then the
// stage's strategies, then what the command line set (stages.CoreConfig).
func CoreConfig(f Settings, st stages.Stage) (core.Config, error) {
	if err := f.validate(); err != nil {
		return core.Config{}, err
	}
	if f.Nagle != "stage" && f.Nagle != "on" && f.Nagle != "off" {
		return core.Config{}, settingsError(fmt.Sprintf("--nagle %q: want stage, on or off", f.Nagle))
	}
	if _, ok := syscallsFlag[f.Syscalls]; !ok && f.Syscalls != "stage" {
		return core.Config{}, settingsError(fmt.Sprintf("--syscalls %q: want stage, runtime or raw", f.Syscalls))
	}
	if _, ok := waitFlag[f.Wait]; !ok && f.Wait != "stage" {
		return core.Config{}, settingsError(fmt.Sprintf("--wait %q: want stage, block or poll-first", f.Wait))
	}
	if _, ok := sendFlag[f.Send]; !ok && f.Send != "stage" && f.Send != "" {
		return core.Config{}, settingsError(fmt.Sprintf("--send %q: want stage, ring or write", f.Send))
	}
	cfg := st.CoreConfig(f.overrides)
	if err := f.checkEngine(cfg); err != nil {
		return core.Config{}, err
	}
	return cfg, nil
}

// checkEngine refuses the flags the stage's engine would ignore, and
// io_uring sizes the core would refuse, as usage errors.
func (f Settings) checkEngine(cfg core.Config) error {
	uring := cfg.Engine == core.EngineUring
	for _, name := range []string{"send", "recv-buffers", "recv-buffer-size"} {
		if f.Given[name] && !uring {
			return settingsError(fmt.Sprintf("--%s applies to the io_uring stage (uring); %s runs on epoll", name, f.Stage))
		}
	}
	if f.Given["wait"] && uring {
		return settingsError("--wait applies to epoll stages; uring waits in io_uring_enter")
	}
	if err := cfg.Check(); err != nil {
		return settingsError(err.Error())
	}
	return nil
}

// coreFlags are the flags that set a core setting: given on the command
// line, each replaces the stage's choice or the core's default; not given,
// it changes nothing (its --help default is the core's).
var coreFlags = map[string]func(dst, src *core.Config){
	"backlog":          func(d, s *core.Config) { d.Backlog = s.Backlog },
	"max-conns":        func(d, s *core.Config) { d.MaxConns = s.MaxConns },
	"read-buffer":      func(d, s *core.Config) { d.ReadBufferSize = s.ReadBufferSize },
	"header-timeout":   func(d, s *core.Config) { d.HeaderTimeout = s.HeaderTimeout },
	"idle-timeout":     func(d, s *core.Config) { d.IdleTimeout = s.IdleTimeout },
	"write-timeout":    func(d, s *core.Config) { d.WriteTimeout = s.WriteTimeout },
	"drain-timeout":    func(d, s *core.Config) { d.DrainTimeout = s.DrainTimeout },
	"memory-max":       func(d, s *core.Config) { d.MemoryMax = s.MemoryMax },
	"recv-buffers":     func(d, s *core.Config) { d.RecvBuffers = s.RecvBuffers },
	"recv-buffer-size": func(d, s *core.Config) { d.RecvBufferSize = s.RecvBufferSize },
}

// overrides applies the command line over the stage's settings.
func (f Settings) overrides(cfg *core.Config) {
	cfg.Addr, cfg.Logger = f.Addr, f.Core.Logger
	for name, set := range coreFlags {
		if f.Given[name] {
			set(cfg, &f.Core)
		}
	}
	switch f.Nagle {
	case "on":
		cfg.NoDelay = false
	case "off":
		cfg.NoDelay = true
	}
	if v, ok := syscallsFlag[f.Syscalls]; ok {
		cfg.Syscalls = v
	}
	if v, ok := waitFlag[f.Wait]; ok {
		cfg.Wait = v
	}
	if v, ok := sendFlag[f.Send]; ok {
		cfg.Send = v
	}
}

// The values of --syscalls and --wait besides "stage".
var (
	syscallsFlag = map[string]core.Syscalls{"runtime": core.RuntimeSyscalls, "raw": core.RawSyscalls}
	waitFlag     = map[string]core.Wait{"block": core.WaitBlock, "poll-first": core.WaitPollFirst}
	sendFlag     = map[string]core.Send{"ring": core.SendRing, "write": core.SendWrite}
)

func isReference(name string) bool {
	for _, n := range reference.Names() {
		if n == name {
			return true
		}
	}
	return false
}

// referenceServer adapts a reference server to the server interface.
type referenceServer struct {
	reference.Server
	drain time.Duration
}

func (r referenceServer) Shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), r.drain)
	defer cancel()
	_ = r.Server.Shutdown(ctx)
}

func (r referenceServer) Close() { _ = r.Server.Shutdown(context.Background()) }

func newReference(f Settings) (Server, error) {
	if f.Proto != "http" || f.App != "hello" || f.SplitWrite || f.Nagle != "stage" || f.Syscalls != "stage" || f.Wait != "stage" ||
		f.Given["send"] || f.Given["recv-buffers"] || f.Given["recv-buffer-size"] ||
		f.Given["reactors"] || f.Given["balance"] {
		return nil, settingsError("reference servers serve the hello app over http only; --proto, --app, --split-write, --nagle, --syscalls, --wait, --send, --recv-buffers, --reactors and --balance do not apply")
	}
	s, err := reference.New(f.Stage, f.Addr)
	if err != nil {
		return nil, err
	}
	return referenceServer{Server: s, drain: f.Core.DrainTimeout}, nil
}

// groupConfig is how many reactors serve and how they share connections:
// the stage's choice unless --reactors or --balance says otherwise. It
// changes nothing: Procs says how many Ps the group needs.
func (f Settings) groupConfig(st stages.Stage) (core.GroupConfig, error) {
	gc := core.GroupConfig{Reactors: 1, Balance: st.Core.Balance}
	if st.Core.PerCPU {
		gc.Reactors = runtime.GOMAXPROCS(0)
		if len(f.CPUs) > 0 {
			gc.Reactors = len(f.CPUs)
		}
	}
	if f.Given["reactors"] {
		if f.Reactors < 1 || f.Reactors > maxReactors {
			return gc, settingsError(fmt.Sprintf("--reactors %d: want 1..%d", f.Reactors, maxReactors))
		}
		gc.Reactors = f.Reactors
	}
	if f.Balance != "stage" {
		b, err := core.ParseBalance(f.Balance)
		if err != nil {
			return gc, settingsError("--" + err.Error())
		}
		gc.Balance = b
	}
	if gc.Reactors > 1 && len(f.CPUs) > 1 {
		gc.CPUs = f.CPUs // reactor i on the i-th CPU of the set, round the set
	}
	return gc, nil
}

// procsFor is the GOMAXPROCS a group needs: a P per reactor thread and,
// with an acceptor, one more, so that it gets a P as soon as accept4
// returns, not when a busy reactor next yields one.
func procsFor(gc core.GroupConfig) int {
	if gc.Reactors > 1 && gc.Balance != core.BalanceReusePort {
		return gc.Reactors + 1
	}
	return gc.Reactors
}

// maxReactors bounds --reactors: each is a thread, an epoll instance and
// an eventfd.
const maxReactors = 256
