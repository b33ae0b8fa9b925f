package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"latencylab/harness/bench"
	"latencylab/harness/capacity"
	"latencylab/harness/scenarios"
)

// cmdBench runs lab bench: a scenario over every server, into a new run
// directory whose path is the last line on stdout.
func cmdBench(args []string) error {
	fs := newFlagSet("bench", "[flags]\n\nRuns a scenario over the ladder and the reference servers and writes\n"+
		"a run directory (run.json, bench.txt, per-server trials, stats, profiles).\n"+
		"Progress goes to stderr; the last line on stdout is the run directory.")
	var opt bench.Options
	var servers, slo string
	fs.StringVar(&opt.Scenario, "scenario", bench.DefaultScenario, "scenario: "+strings.Join(scenarios.Names(), ", ")+",\n"+
		"or a scenario file PATH.json of the same form (harness/scenarios/README.md; the embedded ones are examples)")
	fs.BoolVar(&opt.Quick, "quick", false, "shrink durations and rounds (whole ladder in under a minute)")
	fs.IntVar(&opt.Rounds, "rounds", 0, "measured rounds per server (0: the scenario's)")
	fs.DurationVar(&opt.Duration, "duration", 0, "measured window of each trial (0: the scenario's, or --quick's); a soak's\n"+
		"sampling keeps its shape. Within the scenario's limit (5m a trial, 2h for a soak)")
	fs.StringVar(&servers, "servers", "", "comma-separated servers to run (default: the ladder, the scenario's variants, then nethttp, fasthttp, nginx)")
	fs.StringVar(&opt.Out, "out", "runs", "folder that receives the run directory")
	fs.StringVar(&opt.Lab, "lab", "", "lab binary to run as serve/load children (default: this one)")
	fs.StringVar(&opt.ServerCPUs, "server-cpus", "", "CPUs of the servers (default: the first online CPU)")
	fs.StringVar(&opt.LoadCPUs, "load-cpus", "", "CPUs of the load generator (default: the other online CPUs)")
	fs.StringVar(&opt.GOGC, "gogc", "100", "GOGC of the servers")
	fs.StringVar(&opt.NginxPath, "nginx", "", "nginx binary (default: PATH, then /usr/sbin/nginx; off: skip)")
	fs.StringVar(&opt.PerfPath, "perf", "", "perf binary for the system profiles, kernel frames included (default: PATH; off: none)")
	fs.StringVar(&slo, "slo", capacity.DefaultSLO.String(), "latency objective of the sweep scenario's capacity at SLO: PERCENTILE=DURATION (p50, p90, p99, p99.9)")
	fs.StringVar(&opt.AA, "aa", "", "A/A run for the noise floor: this one server, run twice as two entries (the second named SERVER~aa), interleaved")
	fs.Func("server", "NAME=COMMAND[,pprof=URL]: your own server, beside the selected ones (repeatable). The bench picks a free port,\n"+
		"replaces {addr} (host:port), {host} and {port} in COMMAND, runs it with /bin/sh in its own process\n"+
		"group pinned to the server CPUs, waits until GET of the scenario's path answers 2xx, and stops the\n"+
		"whole group at the end (SIGTERM, then SIGKILL). It gets load, latency, CPU time of the group, a\n"+
		"system profile and kernel counters; no /stats, so no allocations or syscalls per request. A Go server\n"+
		"with net/http/pprof: ,pprof=http://{addr}/debug/pprof and the profiling pass pulls its CPU profile",
		func(s string) error {
			e, err := bench.ParseExternal(s)
			opt.External = append(opt.External, e)
			return err
		})
	fs.Func("target", "NAME=URL[,pid=PID]: a server already running, local or remote, measured beside the selected ones\n"+
		"(repeatable) but neither started nor stopped: load and latency at URL's host and port (the scenario's\n"+
		"path). With the pid of a local one, also its process tree's CPU time, system profile and kernel counters",
		func(s string) error {
			a, err := bench.ParseAttached(s)
			opt.Attached = append(opt.Attached, a)
			return err
		})
	opt.Limits = bench.DefaultLimits()
	fs.DurationVar(&opt.Limits.ReadyTimeout, "ready-timeout", opt.Limits.ReadyTimeout, "how long a started server has to accept connections (and, for --server, answer 2xx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if servers != "" {
		opt.Servers = strings.Split(servers, ",")
	}
	o, err := capacity.ParseSLO(slo)
	if err != nil {
		return usageError{"--" + err.Error()}
	}
	opt.SLO = o
	if opt.Limits.ReadyTimeout <= 0 {
		return usageError{"--ready-timeout must be positive"}
	}
	if opt.AA != "" && servers != "" {
		return usageError{"--aa runs one server twice: it does not take --servers"}
	}
	opt.PinSelf = true
	opt.Progress = os.Stderr
	opt.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	// Ctrl-C cancels the run; the bench then stops every child it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := bench.Run(ctx, opt)
	var ue bench.UsageError
	if errors.As(err, &ue) {
		return usageError{ue.Msg}
	}
	if dir != "" {
		fmt.Fprintln(os.Stdout, dir)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: every child stopped; partial results in %s", dir)
	}
	return err
}
