package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

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
		defs = append(defs, serverDef{name: e.Name, kind: rundir.KindExternal, command: e.Command,
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
		select {
		case <-c.done:
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
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, pid := range pids {
		if s, err := cpuSeconds(pid); err == nil {
			sum += s
		}
	}
	return sum, nil
}
