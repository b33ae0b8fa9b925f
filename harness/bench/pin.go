package bench

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"latencylab/internal/cpuset"
)

// startPinned starts cmd with its CPU affinity already set. A new process
// inherits the mask of the thread that forks it, so the start happens on a
// dedicated, locked OS thread whose mask is set first; the thread is not
// unlocked, so the runtime discards it instead of reusing its narrowed mask.
// This pins any binary (nginx included) from its first instruction, with no
// taskset needed.
func startPinned(cmd *exec.Cmd, cpus cpuset.Set) error {
	mask, err := cpuMask(cpus)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
		if err := unix.SchedSetaffinity(0, &mask); err != nil {
			errc <- fmt.Errorf("sched_setaffinity(%s): %w", cpus, err)
			return
		}
		errc <- cmd.Start()
	}()
	return <-errc
}

// cpuMask converts a set to the kernel's mask.
func cpuMask(s cpuset.Set) (unix.CPUSet, error) {
	var mask unix.CPUSet
	cpus, err := cpuList(s)
	if err != nil {
		return mask, err
	}
	for _, c := range cpus {
		mask.Set(c)
	}
	return mask, nil
}

// cpuList lists the CPUs of a set in ascending order. cpuset exposes a set
// only as its canonical list ("0,2-3"), which is read back here.
func cpuList(s cpuset.Set) ([]int, error) {
	var cpus []int
	text := s.String()
	if text == "" {
		return nil, fmt.Errorf("empty cpu set")
	}
	for _, part := range strings.Split(text, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("cpu set %q: %w", text, err)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("cpu set %q: %w", text, err)
			}
		}
		for c := first; c <= last; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// cpuPlan is where the servers and the load generator run.
type cpuPlan struct {
	server, load cpuset.Set
	shared       bool // one CPU only: both share it, and the run says so
}

// planCPUs splits the online CPUs: the server gets one CPU (every stage is a
// single reactor, so more would only flatter the references), the load
// generator the rest. Explicit lists override either side.
func planCPUs(online cpuset.Set, serverList, loadList string) (cpuPlan, error) {
	cpus, err := cpuList(online)
	if err != nil {
		return cpuPlan{}, fmt.Errorf("online cpus: %w", err)
	}
	defServer, defLoad := strconv.Itoa(cpus[0]), strconv.Itoa(cpus[0])
	if len(cpus) > 1 {
		defLoad = joinInts(cpus[1:])
	}
	var p cpuPlan
	if p.server, err = cpuset.Parse(orDefault(serverList, defServer)); err != nil {
		return p, fmt.Errorf("--server-cpus: %w", err)
	}
	if p.load, err = cpuset.Parse(orDefault(loadList, defLoad)); err != nil {
		return p, fmt.Errorf("--load-cpus: %w", err)
	}
	p.shared = overlaps(p.server, p.load)
	return p, nil
}

func overlaps(a, b cpuset.Set) bool {
	as, _ := cpuList(a)
	bs, _ := cpuList(b)
	for _, x := range as {
		for _, y := range bs {
			if x == y {
				return true
			}
		}
	}
	return false
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
