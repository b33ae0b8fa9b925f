package httpd

import (
	"os/exec"
	"strings"
	"testing"
)

// The stackbuf stage's claim, checked by the compiler: the fixed response
// buffer of StackEncoder does not escape to the heap.
func TestStackBufferDoesNotEscape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package with -gcflags=-m")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	var encoderLines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "encoders.go") {
			encoderLines = append(encoderLines, line)
		}
	}
	if len(encoderLines) == 0 {
		t.Fatalf("no escape analysis output for encoders.go:\n%s", out)
	}
	for _, line := range encoderLines {
		if strings.Contains(line, "moved to heap: buf") {
			t.Fatalf("stackbuf's buffer escapes:\n%s", strings.Join(encoderLines, "\n"))
		}
	}
}
