package bench

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
)

// Attached is a server already running, which the bench measures but
// neither starts nor stops: lab bench --target NAME=URL[,pid=PID]. With a
// pid (local) the bench also reads its process tree's CPU time, records
// its system profile and reads its kernel counters; without, it gets load
// and latency only.
type Attached struct {
	Name string
	Addr string // host:port of URL
	PID  int    // 0: unknown
}

// ParseAttached reads NAME=URL[,pid=PID].
func ParseAttached(s string) (Attached, error) {
	name, rest, ok := strings.Cut(s, "=")
	a := Attached{Name: strings.TrimSpace(name)}
	raw, pidOpt, hasPID := strings.Cut(strings.TrimSpace(rest), ",pid=")
	if !ok || raw == "" {
		return Attached{}, fmt.Errorf("--target %q: want NAME=URL[,pid=PID]", s)
	}
	if err := rundir.CheckName(a.Name); err != nil {
		return Attached{}, fmt.Errorf("--target %q: %w", s, err)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return Attached{}, fmt.Errorf("--target %s: %q: want an http://HOST:PORT URL", a.Name, raw)
	}
	a.Addr = u.Host
	if u.Port() == "" {
		a.Addr = net.JoinHostPort(u.Hostname(), "80")
	}
	if hasPID {
		if a.PID, err = strconv.Atoi(pidOpt); err != nil || a.PID < 1 {
			return Attached{}, fmt.Errorf("--target %s: pid %q: want a process id", a.Name, pidOpt)
		}
	}
	return a, nil
}

// attachedDefs are the --target servers, named like --server's.
func attachedDefs(att []Attached, taken []serverDef) ([]serverDef, error) {
	var defs []serverDef
	for _, a := range att {
		for _, d := range taken {
			if d.name == a.Name {
				return nil, UsageError{fmt.Sprintf("--target %s: the name is taken; choose another", a.Name)}
			}
		}
		taken = append(taken, serverDef{name: a.Name})
		defs = append(defs, serverDef{name: a.Name, kind: rundir.KindExternal, attach: a,
			summary: "your running server at " + a.Addr})
	}
	return defs, nil
}

// attach makes an already running server a target: its address, and a
// 2xx answer to a GET of the scenario's path within the ready deadline.
func (r *runner) attach(ctx context.Context, t *target) error {
	a := t.def.attach
	t.addr = a.Addr
	if a.PID > 0 {
		if _, err := os.Stat("/proc/" + strconv.Itoa(a.PID)); err != nil {
			return fmt.Errorf("%s: pid %d: no such process", t.def.name, a.PID)
		}
	}
	return r.waitAnswers(ctx, t, nil, r.sc.Path)
}

// treePIDs lists pid and every process below it.
func treePIDs(pid int) ([]int, error) {
	procs, err := procfs.AllProcs()
	if err != nil {
		return nil, fmt.Errorf("processes below %d: %w", pid, err)
	}
	children := map[int][]int{}
	for _, p := range procs {
		if st, err := p.Stat(); err == nil {
			children[st.PPID] = append(children[st.PPID], p.PID)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// treeCPUSeconds is the CPU time of pid and every process below it.
func treeCPUSeconds(pid int) (float64, error) {
	pids, err := treePIDs(pid)
	return sumCPUSeconds(pids), err
}
