package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
	"latencylab/internal/lossnet"
)

// Settings of the lossy test: a modest open-loop rate over many
// connections (each sends every 256 ms, so a stalled request rarely has
// another queued behind it), for a few seconds, on a loopback that drops
// 1.5% of TCP segments each way.
const (
	lossyPermille = 15
	lossyConns    = 128
	lossyRate     = 500
	lossyWarmup   = time.Second
	lossyDuration = 3 * time.Second
	lossyTimeout  = 5 * time.Second
	// lossySettle bounds how long the server may take to close its side
	// of every connection once the load is gone: a lost FIN is sent
	// again after a timer too.
	lossySettle = 15 * time.Second
)

// Real packet loss, in both directions: lab serve and lab load inside a
// network namespace whose loopback drops 1.5% of TCP segments. Every
// request is answered or counted as an error with its reason; the
// server counts exactly the requests lab load sent; the tail shows the
// 200 ms timers of the kernel's retransmissions, which the kernel
// counts; and the server's fds and connections return to their
// baseline. It skips, saying why, without root, ip or nft.
func TestLossyNetworkCountsStayExact(t *testing.T) {
	if testing.Short() {
		t.Skip("lossy network: several seconds of load; skipped in -short mode")
	}
	ns := newLossy(t)
	srv := ns.Command(os.Args[0], "serve", "--addr", "127.0.0.1:8080")
	srv.Env = append(os.Environ(), asLabEnv+"=1")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	waitListening(t, stderr)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, DialContext: ns.DialContext}}
	pid := srv.Process.Pid // ip netns exec execs lab in its own process

	fds0 := settle(t, c, pid, -1)
	before := statsIn(t, c)
	kernel0 := retransmissions(t, pid)
	res := lossyLoad(t, ns)
	after := statsIn(t, c)
	kernel := retransmissions(t, pid) - kernel0

	// Every request the generator sent was answered (requests, warm-up
	// included) or is an error with its class and first message.
	sent := res.Requests + res.WarmupReqs
	var errs int64
	for class, n := range res.Errors {
		errs += n
		if n > 0 && res.Extra["errors_first_message"] == "" {
			t.Errorf("%d %s errors without a message", n, class)
		}
	}
	if u := res.Errors["unsent"]; u > 0 {
		t.Errorf("%d requests of the window were never sent", u)
	}
	// The server counted exactly those: the first /stats read is one
	// request of its own; a request that timed out may or may not have
	// reached it. Nothing is in flight once lab load has drained.
	served := int64(after.RequestsTotal-before.RequestsTotal) - 1
	if served < sent || served > sent+res.Errors["timeout"] {
		t.Errorf("server served %d requests; lab load sent %d answered (+%d timed out), errors %v", served, sent, res.Errors["timeout"], res.Errors)
	}
	t.Logf("lossy: %d sent, %d served, errors %v; p99 %v, max %v; RetransSegs +%d",
		sent, served, res.Errors, time.Duration(res.Latency.P99), time.Duration(res.Latency.Max), kernel)
	// The tail is the kernel's: 200 ms timers, and the retransmissions.
	if time.Duration(res.Latency.Max) < 200*time.Millisecond {
		t.Errorf("max latency %v: no retransmission timer in the tail", time.Duration(res.Latency.Max))
	}
	if kernel == 0 {
		t.Error("RetransSegs did not move: nothing was lost")
	}
	if dropped, err := ns.Dropped(); err != nil || dropped == 0 {
		t.Errorf("the drop rule counted %d segments (%v)", dropped, err)
	}
	// Nothing hangs: the connections close and the fds come back.
	settle(t, c, pid, fds0)
}

func newLossy(t *testing.T) *lossnet.NS {
	t.Helper()
	if err := lossnet.Available(); err != nil {
		t.Skipf("lossy network: %v", err)
	}
	ns, err := lossnet.New("lab-test-"+strconv.Itoa(os.Getpid()), lossyPermille)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ns.Close() })
	return ns
}

func statsIn(t *testing.T, c *http.Client) rundir.Stats {
	t.Helper()
	resp, err := c.Get("http://127.0.0.1:8080/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s rundir.Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func lossyLoad(t *testing.T, ns *lossnet.NS) rundir.LoadResult {
	t.Helper()
	out := filepath.Join(t.TempDir(), "load.json")
	ctx, cancel := context.WithTimeout(context.Background(), lossyWarmup+lossyDuration+2*lossyTimeout)
	defer cancel()
	p, args := ns.Wrap(os.Args[0], []string{"load", "http://127.0.0.1:8080/plaintext",
		"--conns", strconv.Itoa(lossyConns), "--rate", strconv.Itoa(lossyRate),
		"--warmup", lossyWarmup.String(), "--duration", lossyDuration.String(), "--timeout", lossyTimeout.String(), "--json", out})
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Env = append(os.Environ(), asLabEnv+"=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lab load in the lossy namespace: %v\n%s", err, b)
	}
	var res rundir.LoadResult
	b, err := os.ReadFile(out)
	if err != nil || json.Unmarshal(b, &res) != nil {
		t.Fatalf("lab load result: %v %s", err, b)
	}
	return res
}

// retransmissions reads RetransSegs in the server's namespace.
func retransmissions(t *testing.T, pid int) int64 {
	t.Helper()
	p, err := procfs.NewProc(pid)
	if err != nil {
		t.Fatal(err)
	}
	snmp, err := p.Snmp()
	if err != nil || snmp.RetransSegs == nil {
		t.Fatalf("snmp of %d: %v", pid, err)
	}
	return int64(*snmp.RetransSegs)
}

// settle waits until the server holds no connection but the /stats
// read's own, and, with want >= 0, no more socket fds than want. It
// returns the socket fd count then.
func settle(t *testing.T, c *http.Client, pid, want int) int {
	t.Helper()
	deadline := time.Now().Add(lossySettle)
	for {
		s := statsIn(t, c)
		fds := len(socketFds(t, pid))
		if s.ConnectionsActive <= 1 && (want < 0 || fds <= want) {
			return fds
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d connections active, %d socket fds (baseline %d)", lossySettle, s.ConnectionsActive, fds, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
