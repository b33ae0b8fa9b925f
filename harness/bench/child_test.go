package bench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"latencylab/internal/cpuset"
)

func online(t *testing.T) cpuset.Set {
	t.Helper()
	s, err := cpuset.Online()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A child that ignores SIGTERM, and its grandchild, are both gone after
// stop: SIGKILL follows the grace period and reaches the whole group.
func TestStopKillsTheProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "grandchild")
	script := `trap "" TERM; sleep 60 & echo $! > ` + pidFile + `; wait`
	cs := &children{grace: 200 * time.Millisecond, tail: 1024}
	c, err := cs.start(childSpec{name: "stubborn", path: "/bin/sh", args: []string{"-c", script}, cpus: online(t)})
	if err != nil {
		t.Fatal(err)
	}
	grandchild := waitPidFile(t, pidFile)
	start := time.Now()
	cs.stopAll()
	if !c.exited() {
		t.Fatal("child still running after stopAll")
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("stop returned before the grace period: SIGTERM was not ignored?")
	}
	waitGone(t, grandchild)
}

func waitPidFile(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) != "" {
			return atoi(t, strings.TrimSpace(string(b)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no pid file")
	return 0
}

// waitGone waits for a process that is not our child to disappear (its
// parent, the shell, reaps it or it is reparented and reaped by init).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) || isZombie(pid) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("process %d survived", pid)
}

func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + itoaPid(pid) + "/stat")
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z")
}

func TestChildOutputTailAndExitReason(t *testing.T) {
	cs := &children{grace: time.Second, tail: 16}
	c, err := cs.start(childSpec{name: "talker", path: "/bin/sh", args: []string{"-c", "echo 0123456789abcdef-the-end >&2; exit 3"}, cpus: online(t)})
	if err != nil {
		t.Fatal(err)
	}
	reason := c.exitReason()
	if !strings.Contains(reason, "exit status 3") || !strings.Contains(reason, "…") || !strings.HasSuffix(reason, "-the-end") {
		t.Errorf("exit reason %q, want the status and the last 16 bytes", reason)
	}
}

func TestStartPinned(t *testing.T) {
	cpus, err := cpuList(online(t))
	if err != nil {
		t.Fatal(err)
	}
	last := cpus[len(cpus)-1]
	set, err := cpuset.Parse(itoaPid(last))
	if err != nil {
		t.Fatal(err)
	}
	cs := &children{grace: time.Second, tail: 1024}
	defer cs.stopAll()
	c, err := cs.start(childSpec{name: "sleep", path: "/bin/sleep", args: []string{"10"}, cpus: set})
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/" + itoaPid(c.pid()) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	want := "Cpus_allowed_list:\t" + itoaPid(last) + "\n"
	if !strings.Contains(string(status), want) {
		t.Errorf("child not pinned to cpu %d:\n%s", last, status)
	}
	// The bench's own threads keep their mask.
	if self, _ := cpuset.Online(); self.String() != online(t).String() {
		t.Errorf("the bench's mask changed to %s", self)
	}
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"A=1", "GOGC=50", "B=2"}, []string{"GOGC=100", "GOMAXPROCS=1"})
	want := "A=1 B=2 GOGC=100 GOMAXPROCS=1"
	if strings.Join(got, " ") != want {
		t.Errorf("mergeEnv = %v, want %s", got, want)
	}
}
