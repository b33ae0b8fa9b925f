package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"latencylab/internal/statsdoc"
)

// stats reads /stats of the lab serve process.
func (p *labProcess) stats(t *testing.T) statsdoc.Stats {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + p.addr + "/stats")
	if err != nil {
		t.Fatalf("/stats: %v", err)
	}
	defer resp.Body.Close()
	var s statsdoc.Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("/stats: %v", err)
	}
	return s
}

// procStatusKiB reads a "VmRSS"-style line of /proc/PID/status in KiB.
func procStatusKiB(t *testing.T, pid int, key string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("cannot read the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err == nil {
				return n
			}
		}
	}
	t.Skipf("/proc/%d/status has no %s", pid, key)
	return 0
}

func fdCount(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("cannot count the server's fds: %v", err)
	}
	return len(ents)
}

// socketFds lists the server's socket fds: what connections hold. Other
// fds come and go with the Go runtime (its own netpoller's epoll and
// eventfd are made when first needed) and say nothing of connections.
func socketFds(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("cannot list the server's fds: %v", err)
	}
	var out []string
	for _, e := range ents {
		if target, err := os.Readlink(dir + "/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			out = append(out, e.Name()+" "+target)
		}
	}
	return out
}

// needNofile skips unless this process may open n more fds.
func needNofile(t *testing.T, n uint64) {
	t.Helper()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	if lim.Cur < n {
		lim.Cur = min(n, lim.Max)
		_ = unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
	if lim.Cur < n {
		t.Skipf("RLIMIT_NOFILE hard limit %d is below the %d fds this test needs", lim.Max, n)
	}
}

// 10,000 idle keep-alive connections to lab serve (a real process, so that
// each side has its own fd limit): every one is served once and left idle;
// afterwards the server's fd count and connections_active are back to
// their baseline.
func TestTenThousandIdleKeepAlive(t *testing.T) {
	const n = 10_000
	needNofile(t, n+200)
	p := startServe(t, "--stage", "batched", "--max-conns", strconv.Itoa(n+10), "--backlog", "4096")
	pid := p.cmd.Process.Pid
	baseActive := p.stats(t).ConnectionsActive // the stats client's own connection stays open
	baseFds := fdCount(t, pid)
	baseSockets := socketFds(t, pid)

	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	req := []byte("GET /plaintext HTTP/1.1\r\nHost: lab\r\n\r\n")
	for len(conns) < n {
		c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", len(conns), err)
		}
		conns = append(conns, c)
		if _, err := c.Write(req); err != nil {
			t.Fatalf("request %d: %v", len(conns), err)
		}
	}
	for i, c := range conns { // every one answered, then idle
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("connection %d: %v", i, err)
		}
	}
	s := p.stats(t)
	t.Logf("holding %d idle keep-alive connections: server fds %d (baseline %d), held buffers %d bytes", n, fdCount(t, pid), baseFds, s.MemoryHeldBytes)
	if s.ConnectionsActive < n {
		t.Fatalf("connections_active %d while holding %d", s.ConnectionsActive, n)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	// Every socket is given back: the count of socket fds returns to the
	// baseline's (the listener and the stats client's connection).
	waitUntil(t, 10*time.Second, func() bool {
		return p.stats(t).ConnectionsActive == baseActive && len(socketFds(t, pid)) == len(baseSockets)
	}, func() string {
		return fmt.Sprintf("after closing: connections_active %d (baseline %d), socket fds %v (baseline %v), all fds %d (baseline %d)",
			p.stats(t).ConnectionsActive, baseActive, socketFds(t, pid), baseSockets, fdCount(t, pid), baseFds)
	})
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The memory-budget attack, scaled to a test: attackers each announce a
// 1 MiB body and send all of it but a byte, then wait. Without a budget
// the server would hold attackers × 1 MiB; with --memory-max it refuses
// the growth past the budget with 503s, its buffers never exceed the
// budget, its RSS stays near its baseline plus the budget, and an ordinary
// client keeps getting answers.
func TestMemoryBudgetAttack(t *testing.T) {
	const budget = 64 << 20
	const attackers = 320 // 320 MiB unbudgeted: five times the budget
	p := startServe(t, "--stage", "batched", "--memory-max", "64MiB", "--header-timeout", "30s")
	pid := p.cmd.Process.Pid
	if !strings.HasPrefix(get(t, p.addr), "HTTP/1.1 200") {
		t.Fatal("the server does not answer")
	}
	baseKiB := procStatusKiB(t, pid, "VmRSS")

	stop := make(chan struct{})
	normalErrs := make(chan error, 1)
	go func() { normalErrs <- keepAsking(p.addr, stop) }()

	var wg sync.WaitGroup
	answers := make(chan string, attackers)
	hold := make(chan struct{})
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers <- holdBigBody(p.addr, 1<<20, hold)
		}()
	}
	time.Sleep(2 * time.Second) // every attacker has sent its body and waits
	s := p.stats(t)
	peakKiB := procStatusKiB(t, pid, "VmHWM")
	close(hold)
	wg.Wait()
	close(stop)
	if err := <-normalErrs; err != nil {
		t.Fatalf("an ordinary client during the attack: %v", err)
	}
	close(answers)
	refused := 0
	for a := range answers {
		if strings.HasPrefix(a, "HTTP/1.1 503 ") {
			refused++
		}
	}
	t.Logf("%d of %d attackers refused (memory_rejected %d); buffers held at most %d bytes of %d; RSS %d KiB before, peak %d KiB",
		refused, attackers, s.MemoryRejected, s.MemoryPeakBytes, budget, baseKiB, peakKiB)
	if refused == 0 || s.MemoryRejected == 0 {
		t.Fatal("no attacker was refused")
	}
	if s.MemoryPeakBytes > budget {
		t.Fatalf("buffers held %d bytes, over the %d budget", s.MemoryPeakBytes, budget)
	}
	// The collector works to the soft limit, not to the byte, and lags
	// when the machine is busy: a quarter of the budget covers its timing
	// at this small scale. Without the budget the peak would be five times
	// the budget.
	if limitKiB := baseKiB + (budget+budget/4)>>10; !raceEnabled && peakKiB > limitKiB {
		t.Fatalf("peak RSS %d KiB, over the baseline plus the budget and a quarter (%d KiB)", peakKiB, limitKiB)
	}
}

// holdBigBody announces a body of size bytes, sends all but the last byte,
// and waits for the server's answer or for hold to close.
func holdBigBody(addr string, size int, hold <-chan struct{}) string {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	head := "POST /x HTTP/1.1\r\nHost: lab\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n"
	_, _ = c.Write(append([]byte(head), make([]byte, size-1)...))
	got := make(chan string, 1)
	go func() { b, _ := io.ReadAll(c); got <- string(b) }()
	select {
	case a := <-got:
		return a
	case <-hold:
		_ = c.SetReadDeadline(time.Now())
		return <-got
	}
}

// keepAsking sends a request every 20 ms on one keep-alive connection
// until stop, and fails on the first answer that is not a 200.
func keepAsking(addr string, stop <-chan struct{}) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := 0; ; i++ {
		select {
		case <-stop:
			if i == 0 {
				return fmt.Errorf("never asked")
			}
			return nil
		case <-time.After(20 * time.Millisecond):
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("GET /plaintext HTTP/1.1\r\nHost: lab\r\n\r\n")); err != nil {
			return fmt.Errorf("request %d: %w", i, err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return fmt.Errorf("request %d: %w", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 {
			return fmt.Errorf("request %d: status %d", i, resp.StatusCode)
		}
	}
}
