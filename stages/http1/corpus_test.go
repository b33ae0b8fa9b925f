package http1

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var writeCorpus = flag.Bool("write-corpus", false, "rewrite testdata/fuzz/FuzzParse/case-* from the parse table")

// TestWriteCorpus regenerates the committed seed corpus from parseCases:
//
//	go test -run TestWriteCorpus -write-corpus ./stages/http1/
//
// Crashers the fuzzer finds are saved beside these files under their own
// names and kept.
func TestWriteCorpus(t *testing.T) {
	if !*writeCorpus {
		t.Skip("only with -write-corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range parseCases {
		name := "case-" + strings.Map(fileSafe, strings.ToLower(c.name))
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", c.in)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fileSafe(r rune) rune {
	if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
		return r
	}
	return '-'
}
