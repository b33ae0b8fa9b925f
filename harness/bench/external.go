package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"
	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
	"latencylab/harness/scenarios"
)

// External is a server the lab did not ship (lab bench --server, or a
// scenario's "external"): the bench starts its command with /bin/sh in
// its own process group, pinned like every server, with {addr}, {host}
// and {port} replaced by the address it chose.
type External = scenarios.Server

// ParseExternal reads --server NAME=COMMAND (scenarios.ParseServer).
func ParseExternal(s string) (External, error) { return scenarios.ParseServer(s) }

// externalDefs are the --server servers, refused when a name is taken.
func externalDefs(ext []External, catalog []serverDef) ([]serverDef, error) {
	var defs []serverDef
	for i, e := range ext {
		switch {
		case slices.ContainsFunc(catalog, func(d serverDef) bool { return d.name == e.Name }):
			return nil, UsageError{fmt.Sprintf("--server %s: the name is the lab's own server's; choose another", e.Name)}
		case slices.ContainsFunc(ext[:i], func(o External) bool { return o.Name == e.Name }):
			return nil, UsageError{fmt.Sprintf("--server %s: given twice", e.Name)}
		}
		defs = append(defs, serverDef{name: e.Name, kind: rundir.KindExternal, command: e.Command, pprof: e.Pprof,
			summary: "your server: " + e.Command})
	}
	return defs, nil
}

// commandOf is an external server's command line for addr (host:port).
func commandOf(template, addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return strings.NewReplacer("{addr}", addr, "{host}", host, "{port}", port).Replace(template)
}

// waitAnswers waits, within the ready deadline, until a GET of path on t
// answers 2xx: an external server may accept connections before it
// serves, or serve errors.
func (r *runner) waitAnswers(ctx context.Context, t *target, c *child, path string) error {
	ctx, cancel := context.WithTimeout(ctx, r.opt.Limits.ReadyTimeout)
	defer cancel()
	var last string
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url(path), nil)
		if err != nil {
			return err
		}
		resp, err := t.http.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
			last = "GET " + path + " answered " + resp.Status
		} else {
			last = err.Error()
		}
		var exited <-chan struct{} // nil for a server the bench did not start
		if c != nil {
			exited = c.done
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited: %s", t.def.name, c.exitReason())
		case <-ctx.Done():
			return fmt.Errorf("%s: no 2xx answer within %v: %s", t.def.name, r.opt.Limits.ReadyTimeout, last)
		case <-time.After(readyPoll):
		}
	}
}

// groupPIDs lists the processes of process group pgid: a server and
// whatever it forked (nginx's workers, a pre-forking server's children).
func groupPIDs(pgid int) ([]int, error) {
	procs, err := procfs.AllProcs()
	if err != nil {
		return nil, fmt.Errorf("processes of group %d: %w", pgid, err)
	}
	var pids []int
	for _, p := range procs {
		if st, err := p.Stat(); err == nil && st.PGRP == pgid {
			pids = append(pids, p.PID)
		}
	}
	return pids, nil
}

// groupCPUSeconds is the CPU time of every process in group pgid, now.
// A child that already exited is not in it: what the bench can see.
func groupCPUSeconds(pgid int) (float64, error) {
	pids, err := groupPIDs(pgid)
	return sumCPUSeconds(pids), err
}

// sumCPUSeconds adds the CPU time of pids; one that exited meanwhile
// counts for nothing.
func sumCPUSeconds(pids []int) float64 {
	var sum float64
	for _, pid := range pids {
		if s, err := cpuSeconds(pid); err == nil {
			sum += s
		}
	}
	return sum
}

// pprofPulls are what the profiling pass pulls from a Go server's
// net/http/pprof over one window: each handler takes the window's
// seconds, and allocs then answers the allocations made in it alone.
var pprofPulls = []struct {
	handler, file string
	pprof         bool // a pprof profile (the trace is not)
}{
	{"profile", rundir.CPUProfileFile, true},
	{"allocs", rundir.AllocsFile, true},
	{"trace", rundir.TraceFile, false},
}

// pprofPull is the profiling pass of a Go server the lab did not ship:
// its CPU profile, allocations and execution trace over one load window,
// pulled while the load runs. The window is whole seconds, as the
// handlers take them. A pull that fails is a warning; the others stay.
func (r *runner) pprofPull(ctx context.Context, t *target, job loadJob) error {
	secs := max(1, int(math.Ceil(job.duration.Seconds())))
	job.duration = time.Duration(secs) * time.Second
	base := commandOf(t.def.pprof, t.addr)
	c := &http.Client{Timeout: job.duration + r.opt.Limits.HTTPTimeout, Transport: t.http.Transport}
	errs := make([]error, len(pprofPulls))
	var wg sync.WaitGroup
	for i, p := range pprofPulls {
		url := base + "/" + p.handler + "?seconds=" + strconv.Itoa(secs)
		wg.Go(func() { errs[i] = pullFile(ctx, c, url, filepath.Join(t.dir, p.file), p.pprof) })
	}
	_, loadErr := r.runLoad(ctx, job)
	wg.Wait()
	for i, p := range pprofPulls {
		if errs[i] != nil {
			t.warn(fmt.Sprintf("pprof %s: %v", p.handler, errs[i]))
			continue
		}
		t.profiles = append(t.profiles, p.file)
	}
	if errs[0] != nil {
		return fmt.Errorf("pprof: no CPU profile: %w", errs[0])
	}
	if loadErr != nil {
		return fmt.Errorf("pprof load window: %w", loadErr)
	}
	return nil
}

// pullFile saves a 2xx answer of url as path, refusing one larger than
// maxPulledProfile, or, for a profile, one that does not parse as one (a
// page, an error).
func pullFile(ctx context.Context, c *http.Client, url, path string, isProfile bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxPulledProfile+1))
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if len(b) > maxPulledProfile {
		return fmt.Errorf("GET %s: over %d bytes", url, maxPulledProfile)
	}
	if isProfile {
		if _, err := profile.ParseData(b); err != nil {
			return fmt.Errorf("GET %s: not a profile: %w", url, err)
		}
	}
	return os.WriteFile(path, b, 0o644)
}

// maxPulledProfile bounds a pulled profile.
const maxPulledProfile = 256 << 20
