package bench

import (
	"errors"
	"strings"
	"testing"
)

func TestParseExternal(t *testing.T) {
	e, err := ParseExternal("mine = ./server --listen {addr}")
	if err != nil || e.Name != "mine" || e.Command != "./server --listen {addr}" {
		t.Fatalf("%+v %v", e, err)
	}
	for in, want := range map[string]string{
		"mine":                    "NAME=COMMAND",
		"mine=":                   "NAME=COMMAND",
		"../x=server {addr}":      "bad name",
		"mine=server --port 8080": "cannot know where it listens",
	} {
		if _, err := ParseExternal(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
	e, err = ParseExternal("go=./srv -a {addr} -tags a,b,pprof=http://{addr}/debug/pprof")
	if err != nil || e.Command != "./srv -a {addr} -tags a,b" || e.Pprof != "http://{addr}/debug/pprof" {
		t.Errorf("with pprof: %+v %v", e, err)
	}
	if _, err := ParseExternal("go=./srv {addr},pprof=/debug/pprof"); err == nil {
		t.Error("a pprof base that is not a URL was accepted")
	}
	if got := commandOf("srv -l {addr} -h {host} -p {port}", "127.0.0.1:9000"); got != "srv -l 127.0.0.1:9000 -h 127.0.0.1 -p 9000" {
		t.Errorf("commandOf: %q", got)
	}
}

// A name the lab's own servers use, or one given twice, is refused.
func TestExternalNamesCollide(t *testing.T) {
	cat := catalog(nil, nil, nil)
	for _, ext := range [][]External{
		{{Name: "nginx", Command: "x {addr}"}},
		{{Name: "a", Command: "x {addr}"}, {Name: "a", Command: "y {addr}"}},
	} {
		var ue UsageError
		if _, err := externalDefs(ext, cat); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", ext, err)
		}
	}
	defs, err := externalDefs([]External{{Name: "mine", Command: "x {addr}"}}, cat)
	if err != nil || len(defs) != 1 || defs[0].command == "" {
		t.Fatalf("%+v %v", defs, err)
	}
}

func TestParseAttached(t *testing.T) {
	a, err := ParseAttached("prod=http://127.0.0.1:8080/plaintext,pid=42")
	if err != nil || a.Name != "prod" || a.Addr != "127.0.0.1:8080" || a.PID != 42 {
		t.Fatalf("%+v %v", a, err)
	}
	if a, err := ParseAttached("web=http://example.test"); err != nil || a.Addr != "example.test:80" || a.PID != 0 {
		t.Errorf("default port: %+v %v", a, err)
	}
	for _, bad := range []string{"x", "x=", "x=https://h:1", "x=127.0.0.1:80", "a/b=http://h:1", "x=http://h:1,pid=-3", "x=http://h:1,pid=me"} {
		if _, err := ParseAttached(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
