package load

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseTargets checks the targets parser on any input: no panic, and
// what it accepts is a valid mix: at least one target, all on the first
// one's server, each with a valid method, headers and weight, each named
// by its file and line. The corpus in testdata/fuzz/FuzzParseTargets runs
// with plain go test.
func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{
		"GET http://127.0.0.1:8080/\n",
		"# c\nGET http://127.0.0.1:8080/a weight=2\nX-A: 1\n\nPOST http://127.0.0.1:8080/b\n@body\n",
		"GET https://h:443/x?y=1\r\nHost: other\r\n\r\nHEAD https://h/\r\n",
		"GET http://a/\n\nGET http://b/\n",
		"GET http://a/ weight=x\n",
		"GET http://a/\n@b\nX: 1\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	writeFuzzBody(f, dir)
	f.Fuzz(func(t *testing.T, in []byte) {
		ts, err := ParseTargets(bytes.NewReader(in), "fuzz.http", dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.http") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		cfg := quick("")
		cfg.Targets = ts
		if err := cfg.validateTargets(mustTarget(t, ts[0].URL)); err != nil {
			t.Fatalf("accepted %q but the mix is invalid: %v", in, err)
		}
		for _, tg := range ts {
			if !strings.HasPrefix(tg.where, "fuzz.http:") {
				t.Fatalf("target %+v has no file:line", tg)
			}
		}
	})
}

func writeFuzzBody(f *testing.F, dir string) {
	if err := writeFileErr(dir+"/body", "payload"); err != nil {
		f.Fatal(err)
	}
}

func mustTarget(t *testing.T, url string) target {
	u, err := parseTarget(url)
	if err != nil {
		t.Fatalf("accepted URL %q: %v", url, err)
	}
	return u
}
