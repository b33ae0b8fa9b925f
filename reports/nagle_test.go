package reports

import (
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

func measuredServer(name string, syscalls map[string]float64) *serverData {
	total := 0.0
	for _, v := range syscalls {
		total += v
	}
	syscalls["total"] = total
	return &serverData{ServerSummary: rundir.ServerSummary{Name: name, Rounds: 6, SyscallsPerRequest: syscalls}}
}

// The setsockopt that turns Nagle off is not a syscall Nagle saved: equal
// I/O counts read as "no saving", and only fewer I/O calls with Nagle on
// read as a saving.
func TestSyscallsMeasuredSetsSetsockoptAside(t *testing.T) {
	naive := measuredServer("naive", map[string]float64{"read": 2, "write": 1, "close": 1})
	nodelay := measuredServer("nodelay", map[string]float64{"read": 2, "write": 1, "close": 1, "setsockopt": 1})
	if got := syscallsMeasured(naive, nodelay, nil); !strings.Contains(got, "did not reduce") {
		t.Errorf("equal I/O reported as a saving: %s", got)
	}
	fewer := measuredServer("naive", map[string]float64{"read": 1, "write": 1, "close": 1})
	if got := syscallsMeasured(fewer, nodelay, nil); !strings.Contains(got, "did save") {
		t.Errorf("fewer I/O calls with Nagle not reported as a saving: %s", got)
	}
}
