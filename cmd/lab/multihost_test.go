package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// testnet is a small network of hosts, each a network namespace with one
// address, joined by a bridge in a hub namespace. Its addresses
// (198.18.0.0/15, the benchmarking range) exist only inside it.
type testnet struct {
	t     *testing.T
	hub   string
	hosts map[string]string // host name → its namespace
}

const testnetPrefix = "198.18.0."

// newTestnet makes the namespaces, or skips with the reason it cannot.
// Every namespace (and with it every link) is removed when the test ends,
// failed or not.
func newTestnet(t *testing.T, hosts ...string) *testnet {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("multi-host test: network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("multi-host test: the ip command (iproute2) is not installed")
	}
	tag := strconv.Itoa(os.Getpid())
	n := &testnet{t: t, hub: "llhub" + tag, hosts: map[string]string{}}
	if err := n.ip("netns", "add", n.hub); err != nil {
		t.Skipf("multi-host test: cannot create a network namespace: %v", err)
	}
	t.Cleanup(func() { _ = n.ip("netns", "del", n.hub) })
	n.must("-n", n.hub, "link", "add", "br0", "type", "bridge")
	n.must("-n", n.hub, "link", "set", "br0", "up")
	for i, h := range hosts {
		ns := "ll" + h + tag
		if err := n.ip("netns", "add", ns); err != nil {
			t.Fatalf("netns add %s: %v", ns, err)
		}
		t.Cleanup(func() { _ = n.ip("netns", "del", ns) })
		n.hosts[h] = ns
		port := fmt.Sprintf("p%d", i)
		n.must("-n", n.hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
		n.must("-n", n.hub, "link", "set", port, "master", "br0", "up")
		n.must("-n", ns, "addr", "add", n.addr(i)+"/24", "dev", "eth0")
		n.must("-n", ns, "link", "set", "eth0", "up")
		n.must("-n", ns, "link", "set", "lo", "up")
	}
	return n
}

func (n *testnet) addr(i int) string { return testnetPrefix + strconv.Itoa(i+1) }

func (n *testnet) ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func (n *testnet) must(args ...string) {
	n.t.Helper()
	if err := n.ip(args...); err != nil {
		n.t.Fatal(err)
	}
}

// lab runs this test binary as lab inside host h's namespace.
func (n *testnet) lab(h string, args ...string) *exec.Cmd {
	cmd := exec.Command("ip", append([]string{"netns", "exec", n.hosts[h], os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), asLabEnv+"=1")
	return cmd
}

// Three load agents on three hosts run one open-loop plan against a
// server on a fourth, from a common --start-at; lab merge adds them up.
// The merged result is the plan (its connections and rate), its request
// count is the agents' sum, and its histograms are the sums of the
// agents', bit for bit. HdrHistogram's own Java log processor reads the
// merged log, tags and all, where it is installed.
func TestMultiHostShardedLoad(t *testing.T) {
	const agents, conns, rate = 3, 6, 600
	net := newTestnet(t, "srv", "a0", "a1", "a2")
	server := net.lab("srv", "serve", "--addr", net.addr(0)+":8080")
	stderr, _ := server.StderrPipe()
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
	waitListening(t, stderr)

	dir := t.TempDir()
	startAt := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	var cmds []*exec.Cmd
	var jsons []string
	for i := range agents {
		j := filepath.Join(dir, fmt.Sprintf("agent-%d.json", i))
		jsons = append(jsons, j)
		cmd := net.lab(fmt.Sprintf("a%d", i), "load", "http://"+net.addr(0)+":8080/plaintext",
			"--conns", strconv.Itoa(conns), "--rate", strconv.Itoa(rate), "--duration", "2s", "--warmup", "500ms",
			"--shard", fmt.Sprintf("%d/%d", i, agents), "--start-at", startAt,
			"--json", j, "--hlog", strings.TrimSuffix(j, ".json")+".hlog")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("agent %d: %v", i, err)
		}
	}
	var out bytes.Buffer
	mergedHlog := filepath.Join(dir, "merged.hlog")
	if err := runMerge(append([]string{"--hlog", mergedHlog}, jsons...), &out); err != nil {
		t.Fatalf("lab merge: %v", err)
	}
	var merged rundir.LoadResult
	if err := json.Unmarshal(out.Bytes(), &merged); err != nil {
		t.Fatalf("merged JSON: %v\n%s", err, out.String())
	}
	checkMerged(t, merged, jsons, mergedHlog, conns, rate)
	checkWithJavaTools(t, mergedHlog, merged.Requests, agents)
}

func waitListening(t *testing.T, stderr io.Reader) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "msg=listening") {
				found <- true
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(10 * time.Second):
		t.Fatal("the server in its namespace did not start")
	}
}

func checkMerged(t *testing.T, merged rundir.LoadResult, jsons []string, mergedHlog string, conns int, rate float64) {
	t.Helper()
	var requests int64
	sumByInterval := map[int64]*hdrhistogram.Histogram{}
	for i, j := range jsons {
		var a rundir.LoadResult
		b, err := os.ReadFile(j)
		if err != nil || json.Unmarshal(b, &a) != nil {
			t.Fatalf("agent %d JSON: %v", i, err)
		}
		requests += a.Requests
		t.Logf("agent %d: %d requests over %d connections at %g req/s; origin %s, late by %v",
			i, a.Requests, a.Conns, a.Rate, a.Shard.OriginClock, time.Duration(a.Shard.LateNs))
		for k, h := range intervalsByStart(t, strings.TrimSuffix(j, ".json")+".hlog", "") {
			if sumByInterval[k] == nil {
				sumByInterval[k] = rundir.NewHist()
			}
			sumByInterval[k].Merge(h)
		}
	}
	if merged.Requests != requests || merged.Latency.Count != requests {
		t.Errorf("merged %d requests (%d latency samples); the agents sent %d", merged.Requests, merged.Latency.Count, requests)
	}
	if merged.Conns != conns || merged.Rate != rate {
		t.Errorf("merged plan: %d conns at %g req/s, want %d at %g", merged.Conns, merged.Rate, conns, rate)
	}
	if want := rate * merged.DurationS; math.Abs(float64(requests)-want) > 0.02*want {
		t.Errorf("%d requests in %gs at %g req/s: the offered rate is not the plan's", requests, merged.DurationS, rate)
	}
	got := intervalsByStart(t, mergedHlog, "")
	if len(got) != len(sumByInterval) {
		t.Errorf("merged log has %d intervals, the agents %d", len(got), len(sumByInterval))
	}
	for k, want := range sumByInterval {
		if h := got[k]; h == nil || !slices.Equal(h.Export().Counts, want.Export().Counts) {
			t.Errorf("interval at %d ms: merged counts are not the sum of the agents'", k)
		}
	}
	t.Logf("merged: %d requests, %.0f req/s, p50 %.0f µs, p99 %.0f µs, origin skew %s ns",
		merged.Requests, merged.ThroughputRPS, merged.Latency.P50/1e3, merged.Latency.P99/1e3, merged.Extra["origin_skew_ns"])
}

// logStepMs is lab load's interval length (CONTRACTS.md §3).
const logStepMs = 100

// intervalsByStart reads an interval log's histograms of one tag, keyed by
// start time in milliseconds, rounded to the interval.
func intervalsByStart(t *testing.T, path, tag string) map[int64]*hdrhistogram.Histogram {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := hdrhistogram.NewHistogramLogReader(f)
	out := map[int64]*hdrhistogram.Histogram{}
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h == nil {
			return out
		}
		if h.Tag() == tag {
			out[(h.StartTimeMs()+logStepMs/2)/logStepMs*logStepMs] = h // lab load logs 100 ms intervals
		}
	}
}

var totalCountRe = regexp.MustCompile(`Total count\s*=\s*(\d+)`)

// hdrJar is where Debian's libhdrhistogram-java puts HdrHistogram.
const hdrJar = "/usr/share/java/hdrhistogram.jar"

// checkWithJavaTools reads the merged log with HdrHistogram's own
// HistogramLogProcessor: the default stream counts every request, and
// every agent's tag is there.
func checkWithJavaTools(t *testing.T, hlog string, requests int64, agents int) {
	t.Helper()
	java, err := exec.LookPath("java")
	if _, jarErr := os.Stat(hdrJar); err != nil || jarErr != nil {
		t.Logf("SKIP interoperability: java or %s is not installed (.ci/run installs libhdrhistogram-java)", hdrJar)
		return
	}
	run := func(args ...string) string {
		out, err := exec.Command(java, append([]string{"-cp", hdrJar, "org.HdrHistogram.HistogramLogProcessor", "-i", hlog}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("HistogramLogProcessor %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run("-outputValueUnitRatio", "1")
	m := totalCountRe.FindStringSubmatch(out)
	if m == nil || m[1] != strconv.FormatInt(requests, 10) {
		t.Errorf("HistogramLogProcessor does not count %d requests:\n%s", requests, out)
	}
	tags := run("-listtags")
	for i := range agents {
		if !strings.Contains(tags, fmt.Sprintf("agent-%d", i)) {
			t.Errorf("tag agent-%d missing:\n%s", i, tags)
		}
	}
}
