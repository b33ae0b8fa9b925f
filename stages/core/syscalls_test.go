package core

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// strategyConfigs are the syscall and wait strategies a test runs under.
var strategyConfigs = []struct {
	name string
	sys  Syscalls
	wait Wait
}{
	{"runtime", RuntimeSyscalls, WaitBlock},
	{"raw", RawSyscalls, WaitBlock},
	{"raw+pollfirst", RawSyscalls, WaitPollFirst},
}

// TestSyscallStrategiesEcho runs the core's echo round trip, a large
// payload with partial writes and a pipelined burst under each strategy.
func TestSyscallStrategiesEcho(t *testing.T) {
	for _, sc := range strategyConfigs {
		t.Run(sc.name, func(t *testing.T) {
			s := start(t, Config{Syscalls: sc.sys, Wait: sc.wait, ReadBufferSize: 512}, echoHandler{})
			c := dial(t, s.r.Addr())
			roundTrip(t, c, "hello\n", "hello\n")
			big := make([]byte, 1<<20)
			for i := range big {
				big[i] = byte('a' + i%26)
			}
			roundTrip(t, c, string(big), string(big))
			st := s.r.Stats()
			if onUring() {
				if st.Syscalls[SysUringEnter] == 0 || st.UringSQEs == 0 || st.Syscalls[SysRead]+st.Syscalls[SysWrite] != 0 {
					t.Fatalf("io_uring counters not kept: %v, %d SQEs", st.Syscalls, st.UringSQEs)
				}
				return
			}
			if st.Syscalls[SysRead] == 0 || st.Syscalls[SysWrite] == 0 || st.Syscalls[SysEpollWait] == 0 {
				t.Fatalf("syscall counters not kept: %v", st.Syscalls)
			}
		})
	}
}

// gcChildEnv marks the re-executed test binary of TestIdleReactorLetsGCRun.
const gcChildEnv = "LATENCYLAB_GC_CHILD"

// TestIdleReactorLetsGCRun proves that the blocking epoll_wait (and,
// in the io_uring pass, the enter that waits) stays a runtime syscall
// under RawSyscalls and WaitPollFirst: a garbage
// collection started while the reactor sleeps in it must complete. The
// check runs in a child with asynchronous preemption off, where nothing
// else could interrupt the sleep: had the blocking wait been a raw call,
// its thread would hold its P and the stop-the-world would wait for an
// event that never comes (the child is killed after childLimit).
func TestIdleReactorLetsGCRun(t *testing.T) {
	if os.Getenv(gcChildEnv) == "1" {
		idleGCChild(t)
		return
	}
	const childLimit = 60 * time.Second // a hang guard, not a speed target
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleReactorLetsGCRun$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), gcChildEnv+"=1", "GODEBUG=asyncpreemptoff=1")
	cmd.WaitDelay = time.Second
	done := make(chan struct{})
	timer := time.AfterFunc(childLimit, func() { _ = cmd.Process.Kill(); close(done) })
	out, err := cmd.CombinedOutput()
	if !timer.Stop() {
		<-done
		t.Fatalf("GC did not complete while the reactor was idle (child killed after %v):\n%s", childLimit, out)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func idleGCChild(t *testing.T) {
	for _, sc := range strategyConfigs[1:] {
		s := start(t, Config{Syscalls: sc.sys, Wait: sc.wait}, echoHandler{})
		c := dial(t, s.r.Addr())
		roundTrip(t, c, "ping\n", "ping\n")
		c.Close()
		s.waitActive(t, 0) // no connection, no timer: the next wait blocks with no timeout
		wait := SysEpollWait
		if onUring() {
			wait = SysUringEnter // the enter that waits for a completion
		}
		before := s.r.Stats().Syscalls[wait]
		waitFor(t, "the reactor to sleep", func() bool {
			time.Sleep(10 * time.Millisecond)
			return s.r.Stats().Syscalls[wait] == before
		})
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		cycles := ms.NumGC
		runtime.GC() // stops the world: returns only if the reactor's thread lets it
		runtime.ReadMemStats(&ms)
		if ms.NumGC <= cycles {
			t.Fatalf("%s: no GC cycle completed", sc.name)
		}
	}
}
