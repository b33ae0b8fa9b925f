package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"latencylab/internal/control"
	"latencylab/internal/cpuset"
	"latencylab/profiles"
	"latencylab/stages"
	"latencylab/stages/app"
	"latencylab/stages/core"
	"latencylab/stages/echo"
	"latencylab/stages/http1"
	"latencylab/stages/httpd"
	"latencylab/stages/reference"
)

// serveFlags is the command line of lab serve.
type serveFlags struct {
	stage, addr, app, proto, nagle, cpu, control string
	syscalls, wait, balance                      string
	reactors                                     int
	cpus                                         []int // from --cpu
	splitWrite, controlRemote                    bool
	core                                         core.Config // what the flags parsed into
	set                                          map[string]bool
	maxBody                                      int64
}

func newServeFlags() (*flag.FlagSet, *serveFlags) {
	f := &serveFlags{}
	fs := newFlagSet("serve", "[flags]\n\nServes a stage of the ladder (see lab stages) or a reference server\n("+
		strings.Join(reference.Names(), ", ")+") until SIGINT/SIGTERM. The first signal drains gracefully\n"+
		"within --drain-timeout; a second exits at once.")
	fs.StringVar(&f.stage, "stage", stages.Default, "stage to serve: "+strings.Join(append(stages.Names(), reference.Names()...), ", "))
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (port 0 picks a free one)")
	fs.StringVar(&f.app, "app", "hello", "app: hello (/plaintext, /, /stats) or echo (JSON description of any request)")
	fs.StringVar(&f.proto, "proto", "http", "protocol on the core: http, or echo (raw TCP echo: proves the core knows no HTTP)")
	fs.StringVar(&f.nagle, "nagle", "stage", "Nagle on accepted sockets: stage (the stage's choice), on, or off")
	fs.StringVar(&f.syscalls, "syscalls", "stage", "calls that cannot block: stage (the stage's choice), runtime (syscall.Syscall), or raw (syscall.RawSyscall)")
	fs.StringVar(&f.wait, "wait", "stage", "event wait: stage (the stage's choice), block (epoll_wait with the timer's timeout), or\n"+
		"poll-first (a zero-timeout epoll_wait first; block only when nothing is ready)")
	fs.IntVar(&f.reactors, "reactors", 0, "reactors, each on its own thread (default: the stage's: one, or for multicore one per\n"+
		"CPU of --cpu, else GOMAXPROCS)")
	fs.StringVar(&f.balance, "balance", "stage", "how connections are spread over the reactors: stage (the stage's choice), "+
		strings.Join(core.BalanceNames(), ", "))
	fs.BoolVar(&f.splitWrite, "split-write", false, "write each response's header block and body in two writes (the Nagle demonstration)")
	fs.IntVar(&f.core.Backlog, "backlog", 0, "listen backlog (default: the stage's; the core's is "+strconv.Itoa(core.DefaultBacklog)+")")
	fs.IntVar(&f.core.MaxConns, "max-conns", core.DefaultMaxConns, "connections over this are refused and counted: with --proto http a 503 (Connection: close,\n"+
		"Retry-After) then a FIN; with --proto echo a FIN")
	f.core.MemoryMax = core.DefaultMemoryMax
	fs.Var(byteSize{&f.core.MemoryMax}, "memory-max", "server-wide budget for connection buffers (read buffers and pending output), e.g. 256MiB;\n"+
		"a connection that would exceed it gets a 503 and is closed. It is also the Go heap's\n"+
		"soft limit (GOMEMLIMIT), unless GOMEMLIMIT is set")
	fs.IntVar(&f.core.ReadBufferSize, "read-buffer", core.DefaultReadBufferSize, "initial read buffer per connection, bytes")
	fs.DurationVar(&f.core.HeaderTimeout, "header-timeout", core.DefaultHeaderTimeout, "time allowed to read one request (slowloris guard)")
	fs.DurationVar(&f.core.IdleTimeout, "idle-timeout", core.DefaultIdleTimeout, "keep-alive idle time between requests")
	fs.DurationVar(&f.core.WriteTimeout, "write-timeout", core.DefaultWriteTimeout, "time allowed for pending output to drain")
	fs.DurationVar(&f.core.DrainTimeout, "drain-timeout", core.DefaultDrainTimeout, "graceful shutdown deadline")
	fs.Int64Var(&f.maxBody, "max-body", http1.DefaultMaxBodyBytes, "largest request body accepted, bytes (413 above; the read buffer limit follows it)")
	fs.StringVar(&f.cpu, "cpu", "", "pin the server to these CPUs (e.g. 0 or 0-1); GOMAXPROCS follows")
	fs.StringVar(&f.control, "control", "", "control endpoint HOST:PORT for profiling (POST /profile/start, /profile/stop, GET /runtime).\n"+
		"Every request needs Authorization: Bearer $"+control.TokenEnv+"; when that variable is unset, a token\n"+
		"is made and written to a 0600 file named in the log. Loopback addresses only, unless\n"+
		"--control-allow-remote (CONTRACTS.md §7)")
	fs.BoolVar(&f.controlRemote, "control-allow-remote", false, "let --control listen on a non-loopback address. Anyone who can reach it and holds the\n"+
		"token can then start profilers, which cost the server CPU; the token crosses the network in clear")
	return fs, f
}

// cmdServe runs lab serve.
func cmdServe(args []string) error {
	fs, f := newServeFlags()
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := checkControlAddr(f); err != nil { // before anything is bound or pinned
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	f.core.Logger = logger
	setMemoryLimit(f.core.MemoryMax)
	if f.cpu != "" {
		set, err := cpuset.Parse(f.cpu)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := cpuset.PinProcess(set); err != nil {
			return err
		}
		f.cpus = set.CPUs()
	}
	srv, err := newServer(f)
	if err != nil {
		return err
	}
	stopControl := func() {}
	if f.control != "" {
		if stopControl, err = startControl(f.control, f.controlRemote, logger); err != nil {
			srv.Close()
			return err
		}
	}
	defer stopControl()
	logger.Info("listening", "stage", f.stage, "proto", f.proto, "addr", srv.Addr(), "url", "http://"+srv.Addr()+"/")
	return serveUntilSignal(srv, logger, stopControl)
}

// checkControlAddr refuses a --control address other machines could
// reach, unless allowed; a malformed one is a usage error of its own.
func checkControlAddr(f *serveFlags) error {
	if f.control == "" {
		return nil
	}
	err := control.CheckAddr(f.control, f.controlRemote)
	switch {
	case errors.Is(err, control.ErrRemote):
		return usageError{"--control " + err.Error() + " (--control-allow-remote)"}
	case err != nil:
		return usageError{"--control: " + err.Error()}
	}
	return nil
}

// setMemoryLimit makes the buffer budget the Go heap's soft limit too,
// unless GOMEMLIMIT says otherwise. The budget bounds the buffers that are
// live; the limit makes the collector return the ones just dropped (a
// buffer grown for a large body leaves its smaller predecessors behind)
// before the heap doubles, so the process stays near the budget instead of
// twice it. A server whose other state (many connections' sessions) is
// large beside its buffers should set GOMEMLIMIT above the budget.
func setMemoryLimit(budget int) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(budget))
}

// server is what lab serve runs: a stage, the echo protocol or a reference.
type server interface {
	Addr() string
	Serve() error
	Shutdown()
	Close()
}

func newServer(f *serveFlags) (server, error) {
	if f.proto != "http" && f.proto != "echo" {
		return nil, usageError{fmt.Sprintf("--proto %q: want http or echo", f.proto)}
	}
	if f.app != "hello" && f.app != "echo" {
		return nil, usageError{fmt.Sprintf("--app %q: want hello or echo", f.app)}
	}
	if isReference(f.stage) {
		return newReference(f)
	}
	st, ok := stages.Lookup(f.stage)
	if !ok {
		return nil, usageError{fmt.Sprintf("unknown stage %q (stages: %s; references: %s)",
			f.stage, strings.Join(stages.Names(), ", "), strings.Join(reference.Names(), ", "))}
	}
	cfg, err := coreConfig(f, st)
	if err != nil {
		return nil, err
	}
	if f.proto == "echo" {
		if f.set["reactors"] || f.set["balance"] {
			return nil, usageError{"--reactors and --balance apply to --proto http"}
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
	// Each reactor's thread must be able to hold a P (and an acceptor's
	// too): on fewer CPUs than reactors the kernel then time-slices the
	// threads, as it would processes.
	if need := procsFor(group); need > runtime.GOMAXPROCS(0) {
		runtime.GOMAXPROCS(need)
	}
	hc := httpd.Config{Stage: st.Name, Strategies: st.HTTP, SplitWrite: f.splitWrite, Limits: http1.DefaultLimits(),
		Group: group, Core: func(int) core.Config { return st.CoreConfig(f.overrides) }}
	hc.Limits.MaxBodyBytes = f.maxBody
	if max := httpd.InputMax(hc.Limits); f.core.ReadBufferSize > max {
		return nil, usageError{fmt.Sprintf("--read-buffer %d is over %d, the largest request the HTTP limits allow (raise --max-body first)", f.core.ReadBufferSize, max)}
	}
	if f.app == "echo" {
		hc.App = func(app.StatsFunc) app.Handler { return app.Echo{} }
	}
	return httpd.New(hc)
}

// validate rejects limits that would otherwise fall back to defaults
// silently (the core reads 0 as "default") or make no sense.
func (f *serveFlags) validate() error {
	positive := []struct {
		flag string
		ok   bool
	}{
		{"--max-conns", f.core.MaxConns > 0},
		{"--read-buffer", f.core.ReadBufferSize > 0},
		{"--header-timeout", f.core.HeaderTimeout > 0},
		{"--idle-timeout", f.core.IdleTimeout > 0},
		{"--write-timeout", f.core.WriteTimeout > 0},
		{"--drain-timeout", f.core.DrainTimeout > 0},
		{"--max-body", f.maxBody > 0},
		{"--memory-max", f.core.MemoryMax > 0},
		{"--backlog", f.core.Backlog > 0 || !f.set["backlog"]}, // not given: the stage's
	}
	for _, p := range positive {
		if !p.ok {
			return usageError{fmt.Sprintf("%s must be positive", p.flag)}
		}
	}
	if f.core.MemoryMax < f.core.ReadBufferSize {
		return usageError{fmt.Sprintf("--memory-max %d is below --read-buffer %d: no connection could read",
			f.core.MemoryMax, f.core.ReadBufferSize)}
	}
	return nil
}

// coreConfig layers the reactor's settings: the core's defaults, then the
// stage's strategies, then what the command line set (stages.CoreConfig).
func coreConfig(f *serveFlags, st stages.Stage) (core.Config, error) {
	if err := f.validate(); err != nil {
		return core.Config{}, err
	}
	if f.nagle != "stage" && f.nagle != "on" && f.nagle != "off" {
		return core.Config{}, usageError{fmt.Sprintf("--nagle %q: want stage, on or off", f.nagle)}
	}
	if _, ok := syscallsFlag[f.syscalls]; !ok && f.syscalls != "stage" {
		return core.Config{}, usageError{fmt.Sprintf("--syscalls %q: want stage, runtime or raw", f.syscalls)}
	}
	if _, ok := waitFlag[f.wait]; !ok && f.wait != "stage" {
		return core.Config{}, usageError{fmt.Sprintf("--wait %q: want stage, block or poll-first", f.wait)}
	}
	return st.CoreConfig(f.overrides), nil
}

// coreFlags are the flags that set a core setting: given on the command
// line, each replaces the stage's choice or the core's default; not given,
// it changes nothing (its --help default is the core's).
var coreFlags = map[string]func(dst, src *core.Config){
	"backlog":        func(d, s *core.Config) { d.Backlog = s.Backlog },
	"max-conns":      func(d, s *core.Config) { d.MaxConns = s.MaxConns },
	"read-buffer":    func(d, s *core.Config) { d.ReadBufferSize = s.ReadBufferSize },
	"header-timeout": func(d, s *core.Config) { d.HeaderTimeout = s.HeaderTimeout },
	"idle-timeout":   func(d, s *core.Config) { d.IdleTimeout = s.IdleTimeout },
	"write-timeout":  func(d, s *core.Config) { d.WriteTimeout = s.WriteTimeout },
	"drain-timeout":  func(d, s *core.Config) { d.DrainTimeout = s.DrainTimeout },
	"memory-max":     func(d, s *core.Config) { d.MemoryMax = s.MemoryMax },
}

// overrides applies the command line over the stage's settings.
func (f *serveFlags) overrides(cfg *core.Config) {
	cfg.Addr, cfg.Logger = f.addr, f.core.Logger
	for name, set := range coreFlags {
		if f.set[name] {
			set(cfg, &f.core)
		}
	}
	switch f.nagle {
	case "on":
		cfg.NoDelay = false
	case "off":
		cfg.NoDelay = true
	}
	if v, ok := syscallsFlag[f.syscalls]; ok {
		cfg.Syscalls = v
	}
	if v, ok := waitFlag[f.wait]; ok {
		cfg.Wait = v
	}
}

// The values of --syscalls and --wait besides "stage".
var (
	syscallsFlag = map[string]core.Syscalls{"runtime": core.RuntimeSyscalls, "raw": core.RawSyscalls}
	waitFlag     = map[string]core.Wait{"block": core.WaitBlock, "poll-first": core.WaitPollFirst}
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

func newReference(f *serveFlags) (server, error) {
	if f.proto != "http" || f.app != "hello" || f.splitWrite || f.nagle != "stage" || f.syscalls != "stage" || f.wait != "stage" ||
		f.set["reactors"] || f.set["balance"] {
		return nil, usageError{"reference servers serve the hello app over http only; --proto, --app, --split-write, --nagle, --syscalls, --wait, --reactors and --balance do not apply"}
	}
	s, err := reference.New(f.stage, f.addr)
	if err != nil {
		return nil, err
	}
	return referenceServer{Server: s, drain: f.core.DrainTimeout}, nil
}

// serveUntilSignal serves until the first SIGINT/SIGTERM starts a graceful
// drain; a second signal exits at once.
func serveUntilSignal(srv server, logger *slog.Logger, beforeExit func()) error {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	select {
	case err := <-done:
		return err
	case sig := <-sigs:
		logger.Info("draining", "signal", sig.String())
		go srv.Shutdown()
	}
	select {
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		logger.Info("stopped")
		return err
	case sig := <-sigs:
		logger.Warn("second signal: exiting now", "signal", sig.String())
		beforeExit() // os.Exit runs no deferred call: the token file goes now
		os.Exit(1)
		return nil
	}
}

// startControl serves the profiling control endpoint on its own net/http
// listener, apart from the server under test, behind its access rules.
func startControl(addr string, allowRemote bool, logger *slog.Logger) (stop func(), err error) {
	token, file, err := control.TokenFromEnv("")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("control endpoint %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           control.Guard(profiles.NewController(logger), token, allowRemote),
		ReadHeaderTimeout: controlReadTimeout,
		IdleTimeout:       controlIdleTimeout,
	}
	go func() { _ = hs.Serve(ln) }()
	if file != "" {
		logger.Info("control endpoint", "addr", ln.Addr().String(), "token_file", file)
	} else {
		logger.Info("control endpoint", "addr", ln.Addr().String(), "token", "$"+control.TokenEnv)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = hs.Close()
			if file != "" {
				os.Remove(file)
			}
		})
	}, nil
}

// Limits of the control endpoint's connections: a request's header must
// come within controlReadTimeout, and an idle connection (a refused
// caller's, say) is closed after controlIdleTimeout.
const (
	controlReadTimeout = 5 * time.Second
	controlIdleTimeout = 30 * time.Second
)

// groupConfig is how many reactors serve and how they share connections:
// the stage's choice unless --reactors or --balance says otherwise. It
// changes nothing: procsFor says how many Ps the group needs.
func (f *serveFlags) groupConfig(st stages.Stage) (core.GroupConfig, error) {
	gc := core.GroupConfig{Reactors: 1, Balance: st.Core.Balance}
	if st.Core.PerCPU {
		gc.Reactors = runtime.GOMAXPROCS(0)
		if len(f.cpus) > 0 {
			gc.Reactors = len(f.cpus)
		}
	}
	if f.set["reactors"] {
		if f.reactors < 1 || f.reactors > maxReactors {
			return gc, usageError{fmt.Sprintf("--reactors %d: want 1..%d", f.reactors, maxReactors)}
		}
		gc.Reactors = f.reactors
	}
	if f.balance != "stage" {
		b, err := core.ParseBalance(f.balance)
		if err != nil {
			return gc, usageError{"--" + err.Error()}
		}
		gc.Balance = b
	}
	if gc.Reactors > 1 && len(f.cpus) > 1 {
		gc.CPUs = f.cpus // reactor i on the i-th CPU of the set, round the set
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
