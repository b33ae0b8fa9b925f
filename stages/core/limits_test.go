package core

import (
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestMaxConns(t *testing.T) {
	s := start(t, Config{MaxConns: 2}, echoHandler{})
	c1 := dial(t, s.r.Addr())
	c2 := dial(t, s.r.Addr())
	s.waitActive(t, 2)
	c3 := dial(t, s.r.Addr())
	expectClosed(t, c3)
	waitFor(t, "rejection counted", func() bool { return s.r.Stats().ConnectionsRejected == 1 })
	roundTrip(t, c1, "still", "still")
	roundTrip(t, c2, "served", "served")
	if st := s.r.Stats(); st.ConnectionsAccepted != 2 || st.ConnectionsActive != 2 {
		t.Fatalf("accepted %d active %d, want 2 and 2", st.ConnectionsAccepted, st.ConnectionsActive)
	}
}

func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count fds: %v", err)
	}
	return len(ents)
}

// raiseNofile lifts the soft RLIMIT_NOFILE to the hard limit and skips the
// test if even that is below need.
func raiseNofile(t *testing.T, need uint64) {
	t.Helper()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	if lim.Max < need {
		t.Skipf("RLIMIT_NOFILE hard limit %d < %d fds needed", lim.Max, need)
	}
	if lim.Cur < need {
		old := lim
		lim.Cur = lim.Max
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
			t.Skipf("setrlimit: %v", err)
		}
		t.Cleanup(func() { _ = unix.Setrlimit(unix.RLIMIT_NOFILE, &old) })
	}
}

// TestManyIdleConns holds 5,000 idle connections (both ends in this
// process: 10,000 fds) and releases them with no fd leak.
func TestManyIdleConns(t *testing.T) {
	const n = 5000
	raiseNofile(t, 2*n+200)
	// Initialise the runtime's own poller before counting, so its fds are
	// in the baseline.
	if l, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
	}
	base := openFds(t)

	r, err := New(Config{Addr: "127.0.0.1:0", Backlog: 4096, MaxConns: n + 10, Buffers: NewPooledBuffers(0, 0), Engine: testEngine}, echoHandler{})
	if err != nil {
		t.Fatal(err)
	}
	s := &server{r: r, done: make(chan error, 1)}
	go func() { s.done <- r.Serve() }()

	clients := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", r.Addr())
		if err != nil {
			t.Fatalf("dial %d: %v", len(clients), err)
		}
		clients = append(clients, c)
	}
	s.waitActive(t, n)
	roundTrip(t, clients[n/2], "alive", "alive")
	if got := openFds(t); got < base+2*n {
		t.Fatalf("%d fds open while holding %d connections, want ≥ %d", got, n, base+2*n)
	}
	for _, c := range clients {
		c.Close()
	}
	clients = clients[:0]
	s.waitActive(t, 0)
	r.Close()
	if err := s.wait(t); err != nil {
		t.Fatal(err)
	}
	if got := openFds(t); got != base {
		t.Fatalf("fd leak: %d open after release, %d before", got, base)
	}
	if st := r.Stats(); st.ConnectionsAccepted != n || st.Syscalls[SysClose] < n {
		t.Fatalf("accepted %d, closes %d", st.ConnectionsAccepted, st.Syscalls[SysClose])
	}
}
