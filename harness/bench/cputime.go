package bench

import (
	"fmt"

	"github.com/prometheus/procfs"
)

// cpuSeconds is a process's user+system CPU time so far, from
// /proc/<pid>/stat (what getrusage reports for a child once it is reaped;
// reading it live allows a before/after around the measured trials).
func cpuSeconds(pid int) (float64, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, fmt.Errorf("cpu time of %d: %w", pid, err)
	}
	st, err := p.Stat()
	if err != nil {
		return 0, fmt.Errorf("cpu time of %d: %w", pid, err)
	}
	return st.CPUTime(), nil
}
