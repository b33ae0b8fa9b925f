package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"latencylab/stages"
	"latencylab/stages/core"
	"latencylab/stages/serve"
)

// asLabEnv makes the test binary run main() instead of the tests, so that
// lab serve runs as a real process that signals can reach.
const asLabEnv = "LAB_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asLabEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// labProcess is lab serve running as a child process.
type labProcess struct {
	cmd     *exec.Cmd
	addr    string
	stderr  *bytes.Buffer
	done    chan error
	startup []string // the log lines up to "listening"
}

var listeningRe = regexp.MustCompile(`msg=listening .*addr=(\S+)`)

func startServe(t *testing.T, args ...string) *labProcess {
	t.Helper()
	pr, pw := io.Pipe()
	p := &labProcess{stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), asLabEnv+"=1")
	p.cmd.Stderr = io.MultiWriter(pw, p.stderr)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	found := make(chan []string, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if listeningRe.MatchString(sc.Text()) {
				found <- lines
			}
		}
	}()
	select {
	case p.startup = <-found:
		p.addr = listeningRe.FindStringSubmatch(p.startup[len(p.startup)-1])[1]
	case <-time.After(10 * time.Second):
		t.Fatalf("lab serve did not report its address:\n%s", p.stderr)
	}
	return p
}

func (p *labProcess) wait(t *testing.T, within time.Duration) (exitCode int) {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("lab serve still running after %v:\n%s", within, p.stderr)
		return -1
	}
}

func get(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.Write([]byte("GET /plaintext HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"))
	b, _ := io.ReadAll(c)
	return string(b)
}

// SIGTERM drains: the server stops accepting, finishes, and exits 0; with
// one reactor and with a group of them.
func TestServeDrainsOnSignal(t *testing.T) {
	for _, args := range [][]string{{"--stage", "stackbuf"}, {"--stage", "multicore", "--reactors", "3", "--balance", "round-robin"}} {
		p := startServe(t, args...)
		for range 4 {
			if resp := get(t, p.addr); !strings.HasSuffix(resp, "Hello, World!") {
				t.Fatalf("%v before the signal: %q", args, resp)
			}
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if code := p.wait(t, 10*time.Second); code != 0 {
			t.Fatalf("%v: exit code %d after a graceful drain:\n%s", args, code, p.stderr)
		}
		if !strings.Contains(p.stderr.String(), "msg=stopped") {
			t.Errorf("%v: no drain logged:\n%s", args, p.stderr)
		}
	}
}

// A second signal exits at once, even while a request in progress holds
// the drain open.
func TestServeSecondSignalExitsAtOnce(t *testing.T) {
	p := startServe(t, "--stage", "stackbuf", "--drain-timeout", "30s", "--header-timeout", "30s")
	c, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte("GET /plaintext HTTP/1.1\r\nHost: la")) // a request in progress
	time.Sleep(100 * time.Millisecond)                            // let the server read it
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond) // the drain begins and waits on that request
	select {
	case <-p.done:
		t.Fatalf("exited on the first signal despite a request in progress:\n%s", p.stderr)
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t, 3*time.Second); code == 0 {
		t.Fatalf("second signal: exit code 0, want non-zero:\n%s", p.stderr)
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--stage", "bogus"}, {"--nagle", "maybe"}, {"--proto", "udp"}, {"--app", "x"}, {"--cpu", "z"},
		{"--max-conns", "0"}, {"--max-conns", "-1"}, {"--header-timeout", "0s"}, {"--max-body", "0"}, {"--backlog", "-1"}, {"--backlog", "0"},
		{"--read-buffer", "2000000"}, {"--memory-max", "0"}, {"--memory-max", "lots"}, {"--memory-max", "4KiB"},
		{"--reactors", "0"}, {"--reactors", "100000"}, {"--balance", "fastest"}, {"--proto", "echo", "--reactors", "2"},
		{"--stage", "fasthttp", "--balance", "random"}, {"--syscalls", "fast"}, {"--wait", "spin"},
		{"--send", "maybe"}, {"--recv-buffers", "0"}, {"--recv-buffer-size", "-1"},
		{"--stage", "uring", "--recv-buffers", "1000"}, {"--stage", "rawsyscall", "--send", "write"},
		{"--stage", "uring", "--wait", "poll-first"}, {"--stage", "nethttp", "--recv-buffers", "64"}} {
		err := cmdServe(append([]string{"--addr", "127.0.0.1:0"}, args...))
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("lab serve %v: %v, want a usage error", args, err)
		}
	}
}

// --proto echo puts the raw echo protocol on the same core: no HTTP at all.
func TestServeEchoProtocol(t *testing.T) {
	p := startServe(t, "--proto", "echo")
	c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	msg := []byte("not http at all\n")
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %q %v", got, err)
	}
}

// The core settings are layered: the core's defaults, the stage's
// strategies, then only the flags given on the command line.
func TestServeLayersCoreSettings(t *testing.T) {
	config := func(args ...string) core.Config {
		t.Helper()
		fs, f := newServeFlags()
		if err := parseFlags(fs, args); err != nil {
			t.Fatal(err)
		}
		f.s.Given = map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { f.s.Given[fl.Name] = true })
		st, _ := stages.Lookup(f.s.Stage)
		cfg, err := serve.CoreConfig(f.s, st)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if c := config("--stage", "naive"); c.Backlog != 128 || c.NoDelay || c.MaxConns != 0 {
		t.Errorf("naive, no flags: backlog %d nodelay %v max-conns %d; want the stage's 128, Nagle on, the core's default", c.Backlog, c.NoDelay, c.MaxConns)
	}
	if c := config("--stage", "naive", "--backlog", "64", "--nagle", "off"); c.Backlog != 64 || !c.NoDelay {
		t.Errorf("naive with flags: backlog %d nodelay %v", c.Backlog, c.NoDelay)
	}
	if c := config("--stage", "keepalive"); c.Backlog != 128 || !c.NoDelay {
		t.Errorf("keepalive: backlog %d (want naive's 128, inherited) nodelay %v", c.Backlog, c.NoDelay)
	}
	if c := config("--stage", "pools", "--max-conns", "7", "--read-buffer", "4096"); c.MaxConns != 7 || c.ReadBufferSize != 4096 {
		t.Errorf("pools with limits: %d %d", c.MaxConns, c.ReadBufferSize)
	}
	if c := config("--stage", "uring"); c.Engine != core.EngineUring || c.Send != core.SendRing || c.RecvBuffers != 0 {
		t.Errorf("uring, no flags: engine %v send %v recv-buffers %d", c.Engine, c.Send, c.RecvBuffers)
	}
	if c := config("--stage", "uring", "--send", "write", "--recv-buffers", "64", "--recv-buffer-size", "2048"); c.Send != core.SendWrite || c.RecvBuffers != 64 || c.RecvBufferSize != 2048 {
		t.Errorf("uring with flags: send %v recv-buffers %d size %d", c.Send, c.RecvBuffers, c.RecvBufferSize)
	}
}

// The new bench, report and compare flags refuse bad values with a usage
// error before anything runs.
func TestNewFlagsRejectBadValues(t *testing.T) {
	dir := t.TempDir()
	for name, run := range map[string]func() error{
		"bench --slo p98=1ms":        func() error { return cmdBench([]string{"--slo", "p98=1ms", "--out", dir}) },
		"bench --slo p99=0":          func() error { return cmdBench([]string{"--slo", "p99=0", "--out", dir}) },
		"bench --aa with --servers":  func() error { return cmdBench([]string{"--aa", "naive", "--servers", "naive", "--out", dir}) },
		"bench --ready-timeout 0":    func() error { return cmdBench([]string{"--ready-timeout", "0s", "--out", dir}) },
		"bench --server no place":    func() error { return cmdBench([]string{"--server", "x=./srv --port 80", "--out", dir}) },
		"bench --server bad name":    func() error { return cmdBench([]string{"--server", "../x=./srv {addr}", "--out", dir}) },
		"compare --noise not an A/A": func() error { return cmdCompare([]string{"--noise", dir, dir, dir}) },
	} {
		var ue usageError
		if err := run(); !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a usage error", name, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("a refused command left %d entries in --out", len(ents))
	}
}
