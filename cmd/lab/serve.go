package main

import (
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
	"latencylab/stages/core"
	"latencylab/stages/http1"
	"latencylab/stages/reference"
	"latencylab/stages/serve"
)

// serveFlags is the command line of lab serve: the server's settings
// (stages/serve owns what they mean) and this process's own.
type serveFlags struct {
	s             serve.Settings
	cpu, control  string
	controlRemote bool
}

func newServeFlags() (*flag.FlagSet, *serveFlags) {
	f := &serveFlags{}
	fs := newFlagSet("serve", "[flags]\n\nServes a stage of the ladder (see lab stages) or a reference server\n("+
		strings.Join(reference.Names(), ", ")+") until SIGINT/SIGTERM. The first signal drains gracefully\n"+
		"within --drain-timeout; a second exits at once.")
	fs.StringVar(&f.s.Stage, "stage", stages.Default, "stage to serve: "+strings.Join(append(stages.Names(), reference.Names()...), ", "))
	fs.StringVar(&f.s.Addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (port 0 picks a free one)")
	fs.StringVar(&f.s.App, "app", "hello", "app: hello (/plaintext, /, /stats) or echo (JSON description of any request)")
	fs.StringVar(&f.s.Proto, "proto", "http", "protocol on the core: http, or echo (raw TCP echo: proves the core knows no HTTP)")
	fs.StringVar(&f.s.Nagle, "nagle", "stage", "Nagle on accepted sockets: stage (the stage's choice), on, or off")
	fs.StringVar(&f.s.Syscalls, "syscalls", "stage", "calls that cannot block: stage (the stage's choice), runtime (syscall.Syscall), or raw (syscall.RawSyscall)")
	fs.StringVar(&f.s.Wait, "wait", "stage", "event wait of the epoll stages: stage (the stage's choice), block (epoll_wait with the timer's\n"+
		"timeout), or poll-first (a zero-timeout epoll_wait first; block only when nothing is ready)")
	fs.StringVar(&f.s.Send, "send", "stage", "uring stage: how a response is sent: stage (the stage's choice), ring (a send request,\n"+
		"no syscall) or write (write(2) at once, a send request only for what the kernel did not take)")
	fs.IntVar(&f.s.Reactors, "reactors", 0, "reactors, each on its own thread (default: the stage's: one, or for multicore one per\n"+
		"CPU of --cpu, else GOMAXPROCS)")
	fs.StringVar(&f.s.Balance, "balance", "stage", "how connections are spread over the reactors: stage (the stage's choice), "+
		strings.Join(core.BalanceNames(), ", "))
	fs.BoolVar(&f.s.SplitWrite, "split-write", false, "write each response's header block and body in two writes (the Nagle demonstration)")
	fs.IntVar(&f.s.Core.Backlog, "backlog", 0, "listen backlog (default: the stage's; the core's is "+strconv.Itoa(core.DefaultBacklog)+")")
	fs.IntVar(&f.s.Core.MaxConns, "max-conns", core.DefaultMaxConns, "connections over this are refused and counted: with --proto http a 503 (Connection: close,\n"+
		"Retry-After) then a FIN; with --proto echo a FIN")
	f.s.Core.MemoryMax = core.DefaultMemoryMax
	fs.Var(byteSize{&f.s.Core.MemoryMax}, "memory-max", "server-wide budget for connection buffers (read buffers and pending output), e.g. 256MiB;\n"+
		"a connection that would exceed it gets a 503 and is closed. It is also the Go heap's\n"+
		"soft limit (GOMEMLIMIT), unless GOMEMLIMIT is set")
	fs.IntVar(&f.s.Core.ReadBufferSize, "read-buffer", core.DefaultReadBufferSize, "initial read buffer per connection, bytes")
	fs.IntVar(&f.s.Core.RecvBuffers, "recv-buffers", core.DefaultRecvBuffers, "uring stage: receive buffers the reactor provides the kernel (a power of two up to\n"+
		"32768; with --recv-buffer-size, charged to --memory-max while it serves)")
	fs.IntVar(&f.s.Core.RecvBufferSize, "recv-buffer-size", core.DefaultRecvBufferSize, "uring stage: bytes per receive buffer")
	fs.DurationVar(&f.s.Core.HeaderTimeout, "header-timeout", core.DefaultHeaderTimeout, "time allowed to read one request (slowloris guard)")
	fs.DurationVar(&f.s.Core.IdleTimeout, "idle-timeout", core.DefaultIdleTimeout, "keep-alive idle time between requests")
	fs.DurationVar(&f.s.Core.WriteTimeout, "write-timeout", core.DefaultWriteTimeout, "time allowed for pending output to drain")
	fs.DurationVar(&f.s.Core.DrainTimeout, "drain-timeout", core.DefaultDrainTimeout, "graceful shutdown deadline")
	fs.Int64Var(&f.s.MaxBody, "max-body", http1.DefaultMaxBodyBytes, "largest request body accepted, bytes (413 above; the read buffer limit follows it)")
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
	f.s.Given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.s.Given[fl.Name] = true })
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := checkControlAddr(f); err != nil { // before anything is bound or pinned
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	f.s.Core.Logger = logger
	setMemoryLimit(f.s.Core.MemoryMax)
	if f.cpu != "" {
		set, err := cpuset.Parse(f.cpu)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := cpuset.PinProcess(set); err != nil {
			return err
		}
		f.s.CPUs = set.CPUs()
	}
	srv, err := buildServer(f.s)
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
	logger.Info("listening", "stage", f.s.Stage, "proto", f.s.Proto, "addr", srv.Addr(), "url", "http://"+srv.Addr()+"/")
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

// buildServer sets GOMAXPROCS to what the server needs, then builds it;
// a setting it cannot serve is a usage error.
func buildServer(s serve.Settings) (serve.Server, error) {
	procs, err := serve.Procs(s)
	if err == nil {
		if procs > runtime.GOMAXPROCS(0) {
			runtime.GOMAXPROCS(procs)
		}
		var srv serve.Server
		if srv, err = serve.Build(s); err == nil {
			return srv, nil
		}
	}
	var se serve.SettingsError
	if errors.As(err, &se) {
		return nil, usageError{se.Msg}
	}
	return nil, err
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

// serveUntilSignal serves until the first SIGINT/SIGTERM starts a graceful
// drain; a second signal exits at once.
func serveUntilSignal(srv serve.Server, logger *slog.Logger, beforeExit func()) error {
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
