package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"latencylab/internal/control"
)

var controlLineRe = regexp.MustCompile(`msg="control endpoint" addr=(\S+)(?: token_file=(\S+))?`)

// controlOf finds the control endpoint's address and token file in lab
// serve's startup log.
func controlOf(t *testing.T, p *labProcess) (addr, tokenFile string) {
	t.Helper()
	for _, l := range p.startup {
		if m := controlLineRe.FindStringSubmatch(l); m != nil {
			return m[1], m[2]
		}
	}
	t.Fatalf("no control endpoint in the log: %q", p.startup)
	return "", ""
}

type controlCall struct {
	method, path    string
	host, origin    string
	token           string
	wantStatus      int
	wantBodyContain string
}

func (c controlCall) do(t *testing.T, addr string) {
	t.Helper()
	req, err := http.NewRequest(c.method, "http://"+addr+c.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.host != "" {
		req.Host = c.host
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	if c.token != "" {
		control.Authorize(req, c.token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != c.wantStatus || !strings.Contains(string(body), c.wantBodyContain) {
		t.Errorf("%s %s (Host %q, Origin %q, token %v) = %d %.200q, want %d with %q",
			c.method, c.path, c.host, c.origin, c.token != "", resp.StatusCode, body, c.wantStatus, c.wantBodyContain)
	}
}

// The attacks of issue 19, as a stranger on the same machine or a web
// page in its browser would make them, against a real lab serve. Each
// is refused with its status, and none starts a profile or writes a file.
func TestControlEndpointRefusesStrangers(t *testing.T) {
	t.Setenv(control.TokenEnv, "")
	os.Unsetenv(control.TokenEnv)   // lab serve makes its own token
	t.Setenv("TMPDIR", t.TempDir()) // and its file, left behind when the test kills it
	p := startServe(t, "--control", "127.0.0.1:0")
	addr, file := controlOf(t, p)
	token := readTokenFile(t, file)
	victim := t.TempDir() // where the attacker asks for files

	for _, c := range []controlCall{
		{method: "POST", path: "/profile/start", wantStatus: 401},
		{method: "POST", path: "/profile/start", token: "not-the-token-at-all", wantStatus: 401},
		{method: "POST", path: "/profile/stop?dir=" + victim, wantStatus: 401},
		{method: "GET", path: "/runtime", wantStatus: 401},
		// A cross-site POST from a page: it carries an Origin.
		{method: "POST", path: "/profile/start", origin: "http://evil.example", token: token, wantStatus: 403},
		// DNS rebinding: a name that resolves to loopback arrives as Host.
		{method: "POST", path: "/profile/start", host: "evil.example:" + portOf(addr), token: token, wantStatus: 403},
		{method: "GET", path: "/runtime", host: "rebind.evil.example", token: token, wantStatus: 403},
	} {
		c.do(t, addr)
	}
	// Nothing was started: the owner's start succeeds (409 otherwise).
	controlCall{method: "POST", path: "/profile/start", token: token, wantStatus: 200}.do(t, addr)
	// The caller cannot choose where files go, even with the token; the
	// refusal keeps the window.
	controlCall{method: "POST", path: "/profile/stop?dir=" + victim, token: token, wantStatus: 400, wantBodyContain: "dir is not accepted"}.do(t, addr)
	if ents, _ := os.ReadDir(victim); len(ents) != 0 {
		t.Fatalf("the endpoint wrote into the caller's directory: %v", ents)
	}
	controlCall{method: "POST", path: "/profile/stop", host: "localhost:" + portOf(addr), token: token, wantStatus: 200}.do(t, addr)
	controlCall{method: "GET", path: "/runtime", host: "[::1]:" + portOf(addr), token: token, wantStatus: 200, wantBodyContain: "gc_cycles"}.do(t, addr)
}

func readTokenFile(t *testing.T, file string) string {
	t.Helper()
	if file == "" {
		t.Fatal("lab serve named no token file")
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func portOf(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

// A token from the environment is the one required, and no file is made.
func TestControlTokenFromEnvironment(t *testing.T) {
	token := "a-token-of-the-owner-0123456789"
	t.Setenv(control.TokenEnv, token)
	p := startServe(t, "--control", "127.0.0.1:0")
	addr, file := controlOf(t, p)
	if file != "" {
		t.Errorf("token file %s made although %s was set", file, control.TokenEnv)
	}
	controlCall{method: "GET", path: "/runtime", token: token, wantStatus: 200}.do(t, addr)
	controlCall{method: "GET", path: "/runtime", token: token + "x", wantStatus: 401}.do(t, addr)
}

// A control address other machines can reach is refused unless allowed.
func TestControlRemoteBindingRefused(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		err := cmdServe([]string{"--addr", "127.0.0.1:0", "--control", addr})
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--control-allow-remote") {
			t.Errorf("--control %s: %v; want a usage error naming --control-allow-remote", addr, err)
		}
	}
	p := startServe(t, "--control", "0.0.0.0:0", "--control-allow-remote")
	if addr, _ := controlOf(t, p); !strings.HasPrefix(addr, "0.0.0.0:") && !strings.HasPrefix(addr, "[::]:") {
		t.Errorf("allowed remote control listens on %s", addr)
	}
}
