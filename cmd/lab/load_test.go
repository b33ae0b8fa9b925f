package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latencylab/harness/load"
)

func helloServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "Hello, World!")
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/plaintext"
}

func TestLoadCommand(t *testing.T) {
	url := helloServer(t)
	dir := t.TempDir()
	jsonPath, hlogPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.hlog")
	var out, errOut bytes.Buffer
	args := []string{"--conns", "2", url, "--duration", "300ms", "--warmup", "100ms",
		"--json", jsonPath, "--hlog", hlogPath, "--header", "X-Test: 1", "--nodelay", "off"}
	if err := runLoad(args, &out, &errOut, false); err != nil {
		t.Fatalf("lab load: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"requests", "throughput", "latency", "service", "p99.99", "connections  2 of 2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	var m map[string]any
	b, err := os.ReadFile(jsonPath)
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("--json: %v", err)
	}
	if m["url"] != url || m["conns"] != 2.0 || m["mode"] != "keepalive" {
		t.Errorf("json: url %v conns %v mode %v", m["url"], m["conns"], m["mode"])
	}
	if g, _ := m["generator"].(map[string]any); g["spin_ns"] != float64(load.DefaultSpin) {
		t.Errorf("json: generator %v: want the default spin_ns %d", g, load.DefaultSpin)
	}
	if st, err := os.Stat(hlogPath); err != nil || st.Size() == 0 {
		t.Errorf("--hlog: %v", err)
	}
}

func TestLoadCommandUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"no URL":              {"--conns", "2"},
		"two URLs":            {"http://127.0.0.1:1/", "http://127.0.0.1:2/"},
		"tls on http":         {"http://127.0.0.1:1/", "--insecure"},
		"tls default on http": {"http://127.0.0.1:1/", "--tls-max", "1.3"},
		"bad resume":          {"https://127.0.0.1:1/", "--tls-resume", "maybe"},
		"bad tls max":         {"https://127.0.0.1:1/", "--tls-max", "1.1"},
		"cert no key":         {"https://127.0.0.1:1/", "--cert", "c.pem"},
		"pick no mix":         {"http://127.0.0.1:1/", "--pick", "random"},
		"streams, h1":         {"http://127.0.0.1:1/", "--streams", "4"},
		"h2 close":            {"http://127.0.0.1:1/", "--http2", "--mode", "close"},
		"h2 streams":          {"http://127.0.0.1:1/", "--http2", "--streams", "100000"},
		"coalesce, h1":        {"http://127.0.0.1:1/", "--coalesce", "10us"},
		"coalesce, open loop": {"http://127.0.0.1:1/", "--http2", "--rate", "100", "--coalesce", "10us"},
		"coalesce too long":   {"http://127.0.0.1:1/", "--http2", "--coalesce", "2ms"},
		"spin too long":       {"http://127.0.0.1:1/", "--spin", "2ms"},
		"URL and mix":         {"http://127.0.0.1:1/", "--targets", "t.http"},
		"mix, method":         {"--targets", "t.http", "--method", "POST"},
		"mix missing":         {"--targets", "/nonexistent/t.http"},
		"bad mode":            {"http://127.0.0.1:1/", "--mode", "pipeline"},
		"bad nodelay":         {"http://127.0.0.1:1/", "--nodelay", "maybe"},
		"bad header":          {"http://127.0.0.1:1/", "--header", "nocolon"},
		"bad cpu list":        {"http://127.0.0.1:1/", "--cpu", "x"},
		"unknown flag":        {"http://127.0.0.1:1/", "--bogus"},
	}
	for name, args := range cases {
		err := runLoad(args, io.Discard, io.Discard, false)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err %v, want a usage error (exit 2)", name, err)
		}
	}
}

func TestLoadCommandNothingMeasured(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	err = runLoad([]string{"http://" + addr + "/", "--conns", "1", "--duration", "200ms", "--warmup", "0"}, &out, io.Discard, false)
	if !errors.Is(err, load.ErrNothingMeasured) || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("err %v, want nothing measured with connect errors", err)
	}
	if !strings.Contains(out.String(), "connect") {
		t.Errorf("summary does not show the connect errors:\n%s", out.String())
	}
}

func TestLoadCommandHelp(t *testing.T) {
	var errOut bytes.Buffer
	if err := runLoad([]string{"--help"}, io.Discard, &errOut, false); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"usage: lab load URL", "--rate", "coordinated-omission", "pipeline=N"} {
		if !strings.Contains(errOut.String(), strings.TrimPrefix(want, "-")) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// --json - puts the JSON alone on stdout and the summary on stderr.
func TestLoadCommandJSONToStdout(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{helloServer(t), "--conns", "1", "--duration", "200ms", "--warmup", "0", "--json", "-"}
	if err := runLoad(args, &out, &errOut, false); err != nil {
		t.Fatalf("lab load: %v\n%s", err, errOut.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("stdout is not JSON alone: %v\n%s", err, out.String())
	}
	if m["requests"].(float64) == 0 || m["interrupted"] != false {
		t.Errorf("json: requests %v interrupted %v", m["requests"], m["interrupted"])
	}
	if !strings.Contains(errOut.String(), "throughput") {
		t.Errorf("the text summary is not on stderr:\n%s", errOut.String())
	}
}

// --slo puts its verdict in the summary and the JSON; a missed objective
// is exit status 3, for CI pipelines, after the results are written.
func TestLoadCommandSLO(t *testing.T) {
	url := helloServer(t)
	run := func(slo string) (error, map[string]any, string) {
		t.Helper()
		jsonPath := filepath.Join(t.TempDir(), "r.json")
		var out, errOut bytes.Buffer
		err := runLoad([]string{url, "--conns", "2", "--duration", "300ms", "--warmup", "100ms", "--slo", slo, "--json", jsonPath},
			&out, &errOut, false)
		var m map[string]any
		if b, rerr := os.ReadFile(jsonPath); rerr != nil || json.Unmarshal(b, &m) != nil {
			t.Fatalf("--json after --slo %s: %v (%v)", slo, rerr, err)
		}
		return err, m, out.String()
	}
	err, m, text := run("p99=1h")
	if err != nil {
		t.Fatalf("a met objective: %v", err)
	}
	if v, _ := m["slo"].(map[string]any); v["met"] != true || v["objective"] != "p99=1h0m0s" || v["measured_ns"].(float64) <= 0 {
		t.Errorf("slo %v", m["slo"])
	}
	if !strings.Contains(text, "slo          p99=1h0m0s: met") {
		t.Errorf("summary lacks the verdict:\n%s", text)
	}
	err, m, text = run("p50=1ns")
	var ec exitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 3 || !strings.Contains(err.Error(), "p50=1ns missed") {
		t.Fatalf("a missed objective: %v, want exit status 3", err)
	}
	if v, _ := m["slo"].(map[string]any); v["met"] != false || !strings.Contains(v["why"].(string), "over 1ns") {
		t.Errorf("slo %v", m["slo"])
	}
	if !strings.Contains(text, "MISSED") {
		t.Errorf("summary lacks the missed verdict:\n%s", text)
	}
	for _, bad := range []string{"p98=1ms", "p99=-1ms", "p99", "p99=fast"} {
		var ue usageError
		if err := runLoad([]string{url, "--slo", bad}, io.Discard, io.Discard, false); !errors.As(err, &ue) {
			t.Errorf("--slo %s: %v, want a usage error", bad, err)
		}
	}
}

// --requests ends the window after exactly N requests, with --duration as
// the time limit; without --duration the limit is not the 10 s default.
func TestLoadCommandRequests(t *testing.T) {
	url := helloServer(t)
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	var out bytes.Buffer
	if err := runLoad([]string{url, "--conns", "3", "--warmup", "100ms", "--requests", "500", "--json", jsonPath},
		&out, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if b, err := os.ReadFile(jsonPath); err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("--json: %v", err)
	}
	if m["requests"] != 500.0 || m["requests_limit"] != 500.0 {
		t.Errorf("requests %v, requests_limit %v: want 500", m["requests"], m["requests_limit"])
	}
	if !strings.Contains(out.String(), "window of --requests 500") {
		t.Errorf("summary does not name the count:\n%s", out.String())
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--requests", "10"}, load.RequestsTimeLimit.String()},
		{[]string{"--requests", "10", "--rate", "100"}, load.DurationMax.String()},
		{[]string{"--requests", "10", "--duration", "3s"}, "3s"},
	} {
		var f loadFlags
		fs := flag.NewFlagSet("load", flag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if cfg, err := f.config(url); err != nil || cfg.Duration.String() != tc.want {
			t.Errorf("%q: duration %v (%v), want %s", tc.args, cfg.Duration, err, tc.want)
		}
	}
	var ue usageError
	if err := runLoad([]string{url, "--requests", "-1"}, io.Discard, io.Discard, false); !errors.As(err, &ue) {
		t.Errorf("--requests -1: %v, want a usage error", err)
	}
}

// lab load https://: the summary names what TLS negotiated and times the
// handshakes apart; the JSON has the tls object.
func TestLoadCommandHTTPS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "Hello, World!")
	}))
	srv.EnableHTTP2 = false
	srv.StartTLS()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca, jsonPath := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "r.json")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{srv.URL + "/", "--conns", "2", "--duration", "300ms", "--warmup", "0", "--mode", "close",
		"--cacert", ca, "--tls-max", "1.2", "--json", jsonPath}
	if err := runLoad(args, &out, io.Discard, false); err != nil {
		t.Fatalf("lab load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"handshake", "connect", "tls          TLS 1.2", "ALPN http/1.1", "(verified)", "resumed (tickets on)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	var m struct {
		Protocol string `json:"protocol"`
		TLS      struct {
			Version   string `json:"version"`
			Full      int64  `json:"handshakes_full"`
			Resumed   int64  `json:"handshakes_resumed"`
			Handshake struct {
				Count int64 `json:"count"`
			} `json:"handshake_ns"`
		} `json:"tls"`
	}
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Protocol != "http/1.1" || m.TLS.Version != "TLS 1.2" || m.TLS.Resumed == 0 || m.TLS.Handshake.Count != m.TLS.Full+m.TLS.Resumed {
		t.Errorf("json: %+v", m)
	}
}

// lab load --targets: no URL, a summary listing the busiest targets, and
// a bad line named with its file and line.
func TestLoadCommandTargets(t *testing.T) {
	url := helloServer(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "t.http")
	os.WriteFile(path, []byte("GET "+url+"?a weight=1\n\nGET "+url+"?b weight=9\n"), 0o600)
	var out bytes.Buffer
	args := []string{"--targets", path, "--pick", "weighted", "--seed", "3", "--conns", "2", "--duration", "300ms", "--warmup", "0"}
	if err := runLoad(args, &out, io.Discard, false); err != nil {
		t.Fatalf("lab load: %v\n%s", err, out.String())
	}
	for _, want := range []string{"targets      2, picked weighted (seed 3)", "GET " + url + "?b (weight 9)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	os.WriteFile(path, []byte("GET "+url+"\n\nGET\n"), 0o600)
	err := runLoad([]string{"--targets", path}, io.Discard, io.Discard, false)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "t.http:3:") {
		t.Errorf("a bad line: %v, want a usage error naming t.http:3", err)
	}
}

// lab load --http2 against Go's h2c server: the summary's http2 line, the
// JSON's protocol and http2 object.
func TestLoadCommandHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	var out bytes.Buffer
	args := []string{srv.URL + "/", "--http2", "--streams", "500", "--conns", "2", "--duration", "300ms", "--warmup", "0", "--json", jsonPath}
	if err := runLoad(args, &out, io.Discard, false); err != nil {
		t.Fatalf("lab load: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "http2        h2c, 500 streams per connection asked, CAPPED: the server allows only 250") {
		t.Errorf("summary:\n%s", out.String())
	}
	var m struct {
		Protocol string `json:"protocol"`
		HTTP2    struct {
			Streams int  `json:"streams"`
			Max     int  `json:"server_max_streams"`
			Capped  bool `json:"capped"`
		} `json:"http2"`
	}
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &m); err != nil || m.Protocol != "h2c" || m.HTTP2.Streams != 500 || m.HTTP2.Max != 250 || !m.HTTP2.Capped {
		t.Errorf("json %s: %+v %v", b, m, err)
	}
}
