package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmbeddedScenariosLoadAndValidate(t *testing.T) {
	names := Names()
	for _, want := range []string{"capacity", "ladder", "pipeline"} {
		if !strings.Contains(","+strings.Join(names, ",")+",", ","+want+",") {
			t.Errorf("Names() = %v, missing %s", names, want)
		}
	}
	for _, n := range names {
		s, err := Load(n)
		if err != nil {
			t.Errorf("Load(%s): %v", n, err)
			continue
		}
		if err := s.WithQuick().Validate(); err != nil {
			t.Errorf("%s with --quick: %v", n, err)
		}
	}
}

func TestLoadUnknownListsNames(t *testing.T) {
	_, err := Load("nope")
	if err == nil || !strings.Contains(err.Error(), "ladder") {
		t.Errorf("Load(nope) error = %v, want one listing the scenarios", err)
	}
}

const valid = `{"name": "x", "description": "d", "path": "/plaintext", "mode": "keepalive",
 "conns": 8, "rate": 100, "warmup": "1s", "duration": "2s", "rounds": 3, "profile": "1s", "timeout": "5s",
 "quick": {"duration": "500ms", "rounds": 2}}`

func TestParse(t *testing.T) {
	s, err := Parse([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if s.Duration.D != 2*time.Second || s.Conns != 8 || s.Rate != 100 {
		t.Errorf("parsed %+v", s)
	}
	q := s.WithQuick()
	if q.Duration.D != 500*time.Millisecond || q.Rounds != 2 || q.Warmup.D != time.Second {
		t.Errorf("quick %+v: want duration and rounds overridden, warmup kept", q)
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string][2]string{
		"unknown key":     {`"rounds": 3`, `"rounds": 3, "roudns": 4`},
		"bad mode":        {`"mode": "keepalive"`, `"mode": "pipelined"`},
		"bad pipeline":    {`"mode": "keepalive"`, `"mode": "pipeline=0"`},
		"no conns":        {`"conns": 8`, `"conns": 0`},
		"zero duration":   {`"duration": "2s"`, `"duration": "0s"`},
		"bad duration":    {`"duration": "2s"`, `"duration": "two"`},
		"relative path":   {`"/plaintext"`, `"plaintext"`},
		"rate and rule":   {`"rate": 100`, `"rate": 100, "rate_rule": {"server": "naive", "conns": 1, "mode": "close", "duration": "1s", "probes": 1, "factor": 1, "min": 0, "max": 10}`},
		"too many rounds": {`"rounds": 3`, `"rounds": 1000`},
		// Fields that become paths, request lines or folders (issue 19).
		"name with a path":        {`"name": "x"`, `"name": "../../tmp/x"`},
		"name with a separator":   {`"name": "x"`, `"name": "a/b"`},
		"hidden name":             {`"name": "x"`, `"name": ".x"`},
		"path with a space":       {`"/plaintext"`, `"/plain text"`},
		"path splitting a line":   {`"/plaintext"`, `"/x HTTP/1.1\r\nHost: evil\r\n\r\nGET /y"`},
		"path with a fragment":    {`"/plaintext"`, `"/plaintext#x"`},
		"variant with a path":     {`"rounds": 3`, `"rounds": 3, "variants": [{"name": "../etc", "stage": "keepalive", "summary": "x"}]`},
		"server with a separator": {`"rounds": 3`, `"rounds": 3, "servers": ["a/b"]`},
		"server load of a path":   {`"rounds": 3`, `"rounds": 3, "server_loads": {"../x": {"mode": "keepalive", "conns": 1}}`},
		"soak of two samples":     {`"rounds": 3`, `"rounds": 3, "soak": {"samples": 2, "settle": 0.1}`},
		"soak mostly settling":    {`"rounds": 3`, `"rounds": 3, "soak": {"samples": 20, "settle": 0.9}`},
		"soak sampled too often":  {`"rounds": 3`, `"rounds": 3, "soak": {"samples": 1000, "settle": 0.1}`},
		"long trial, not a soak":  {`"duration": "2s"`, `"duration": "1h"`},
	}
	for name, c := range cases {
		bad := strings.Replace(valid, c[0], c[1], 1)
		if bad == valid {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRateRule(t *testing.T) {
	r := RateRule{Server: "naive", Conns: 64, Mode: "keepalive", Duration: Duration{time.Second}, Probes: 2, Factor: 1.5, Min: 1000, Max: 50000}
	if err := r.validate(); err != nil {
		t.Fatal(err)
	}
	for probe, want := range map[float64]float64{10000: 15000, 100: 1000, 1e6: 50000} {
		rate, how := r.Apply([]float64{probe / 2, probe})
		if rate != want || !strings.Contains(how, "naive") || !strings.Contains(how, "1.50") {
			t.Errorf("Apply(%v) = %v %q, want %v", probe, rate, how, want)
		}
	}
	bad := r
	bad.Max = 500
	if bad.validate() == nil {
		t.Errorf("max below min accepted")
	}
}

func TestValidMode(t *testing.T) {
	for _, m := range []string{"keepalive", "close", "pipeline=1", "pipeline=16"} {
		if err := validMode(m); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	for _, m := range []string{"", "pipeline", "pipeline=x", "pipeline=5000", "Keepalive"} {
		if validMode(m) == nil {
			t.Errorf("%q accepted", m)
		}
	}
}

// A scenario file from disk: its servers of its own, and errors that name
// the file and the field.
func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("mine.json", strings.Replace(valid, `"rounds": 3`, `"rounds": 3, "external": [{"name": "mine", "command": "./srv --listen {addr}"}]`, 1))
	s, err := LoadFile(good)
	if err != nil || len(s.External) != 1 || s.External[0].Name != "mine" {
		t.Fatalf("%+v %v", s.External, err)
	}
	for name, c := range map[string]struct{ body, want string }{
		"typo.json":    {strings.Replace(valid, `"rounds": 3`, `"roudns": 3`, 1), `unknown field "roudns"`},
		"type.json":    {strings.Replace(valid, `"conns": 8`, `"conns": "eight"`, 1), "conns"},
		"noport.json":  {strings.Replace(valid, `"rounds": 3`, `"rounds": 3, "external": [{"name": "mine", "command": "./srv"}]`, 1), "cannot know where it listens"},
		"badname.json": {strings.Replace(valid, `"rounds": 3`, `"rounds": 3, "external": [{"name": "a/b", "command": "x {addr}"}]`, 1), "external[0]"},
		"notjson.json": {"rounds: 3", "parse"},
	} {
		_, err := LoadFile(write(name, c.body))
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want the file and %q", name, err, c.want)
		}
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file loaded")
	}
	if !IsPath("my.json") || !IsPath("./x") || IsPath("ladder") {
		t.Error("IsPath")
	}
}
