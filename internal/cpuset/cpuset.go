// Package cpuset parses CPU lists ("0", "1-3", "0,2-3") and pins a whole Go
// process to one. Pinning must cover every OS thread: sched_setaffinity acts
// on one thread, and threads the runtime starts later inherit the mask of the
// thread that creates them.
package cpuset

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Set is a parsed CPU list.
type Set struct{ mask unix.CPUSet }

// Parse reads a list such as "0", "1-3" or "0,2-3".
func Parse(list string) (Set, error) {
	var s Set
	if strings.TrimSpace(list) == "" {
		return s, fmt.Errorf("cpu list is empty")
	}
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		first, err := strconv.Atoi(lo)
		if err != nil || first < 0 {
			return s, fmt.Errorf("cpu list %q: bad cpu %q", list, lo)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first {
				return s, fmt.Errorf("cpu list %q: bad range %q", list, part)
			}
		}
		if last >= 1024 {
			return s, fmt.Errorf("cpu list %q: cpu %d out of range", list, last)
		}
		for c := first; c <= last; c++ {
			s.mask.Set(c)
		}
	}
	return s, nil
}

// Count is the number of CPUs in the set.
func (s Set) Count() int { return s.mask.Count() }

// CPUs lists the set's CPUs in ascending order.
func (s Set) CPUs() []int {
	var out []int
	for c := 0; c < 1024; c++ {
		if s.mask.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}

// String formats the set as a list ("0,2-3").
func (s Set) String() string {
	var parts []string
	for c := 0; c < 1024; c++ {
		if !s.mask.IsSet(c) {
			continue
		}
		end := c
		for end+1 < 1024 && s.mask.IsSet(end+1) {
			end++
		}
		if end == c {
			parts = append(parts, strconv.Itoa(c))
		} else {
			parts = append(parts, strconv.Itoa(c)+"-"+strconv.Itoa(end))
		}
		c = end
	}
	return strings.Join(parts, ",")
}

// Online reports the CPUs this process may run on now.
func Online() (Set, error) {
	var s Set
	if err := unix.SchedGetaffinity(0, &s.mask); err != nil {
		return s, fmt.Errorf("sched_getaffinity: %w", err)
	}
	return s, nil
}

// PinProcess restricts every thread of this process to s and sets
// GOMAXPROCS to its size. Threads created afterwards inherit the mask.
func PinProcess(s Set) error {
	if s.Count() == 0 {
		return fmt.Errorf("pin: empty cpu set")
	}
	online, err := Online()
	if err != nil {
		return err
	}
	for c := 0; c < 1024; c++ {
		if s.mask.IsSet(c) && !online.mask.IsSet(c) {
			return fmt.Errorf("pin: cpu %d is not available (allowed: %s)", c, online)
		}
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("pin: list threads: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		// A thread may exit between the listing and this call.
		if err := unix.SchedSetaffinity(tid, &s.mask); err != nil && err != unix.ESRCH {
			return fmt.Errorf("pin: sched_setaffinity(%d): %w", tid, err)
		}
	}
	runtime.GOMAXPROCS(s.Count())
	return nil
}
