package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Limits on a targets file.
const (
	targetsMax     = 1000      // targets in one file (each gets its own results)
	targetsFileMax = 16 << 20  // bytes of the file itself
	targetLineMax  = 64 << 10  // one line
	weightMax      = 1_000_000 // one target's weight
)

// Target is one request of a mix (lab load --targets): built once, up
// front, like the single request of a plain run.
type Target struct {
	Method  string
	URL     string
	Headers []string // "Name: value"
	Body    []byte
	Weight  int // for --pick weighted; 1 unless the file says
	where   string
}

// ReadTargets reads a targets file in vegeta's http format: a target is a
// "METHOD URL" line, then its "Name: value" header lines, then optionally
// an "@path" line naming its body file (relative to the targets file).
// Blank lines separate targets; lines starting with # are comments. The
// request line may end with "weight=N" (not vegeta's), for --pick
// weighted. Every target must be on one server: the scheme, host and port
// of the first. Errors name the file and the line.
func ReadTargets(path string) ([]Target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	defer f.Close()
	return ParseTargets(io.LimitReader(f, targetsFileMax+1), path, filepath.Dir(path))
}

// ParseTargets is ReadTargets on r; name is the file's name for errors
// and bodyDir the folder body paths are relative to.
func ParseTargets(r io.Reader, name, bodyDir string) ([]Target, error) {
	p := targetParser{name: name, bodyDir: bodyDir}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), targetLineMax)
	read := 0
	for sc.Scan() {
		p.line++
		read += len(sc.Bytes()) + 1
		if read > targetsFileMax {
			return nil, fmt.Errorf("%s: over %d bytes", name, targetsFileMax)
		}
		if err := p.take(strings.TrimRight(sc.Text(), "\r")); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: a line over %d bytes", name, p.line+1, targetLineMax)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(p.out) == 0 {
		return nil, fmt.Errorf("%s: no target in it (want \"METHOD URL\" lines)", name)
	}
	return p.out, nil
}

type targetParser struct {
	name, bodyDir string
	line          int
	out           []Target
	cur           *Target // the target whose headers are being read
	origin        string  // scheme://host:port of the first target
}

func (p *targetParser) errorf(format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, p.line, fmt.Sprintf(format, a...))
}

// take is one line.
func (p *targetParser) take(line string) error {
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		p.cur = nil
		return nil
	case strings.HasPrefix(trimmed, "#"):
		return nil
	case p.cur == nil:
		return p.request(trimmed)
	case strings.HasPrefix(trimmed, "@"):
		return p.body(strings.TrimSpace(trimmed[1:]))
	}
	if p.cur.Body != nil {
		return p.errorf("a header after the body line: headers come first")
	}
	if err := validateHeaders(append(p.cur.Headers, trimmed)); err != nil {
		return p.errorf("%v", err)
	}
	p.cur.Headers = append(p.cur.Headers, trimmed)
	return nil
}

// request starts a target: "METHOD URL [weight=N]".
func (p *targetParser) request(line string) error {
	if len(p.out) == targetsMax {
		return p.errorf("more than %d targets", targetsMax)
	}
	f := strings.Fields(line)
	if len(f) < 2 || len(f) > 3 {
		return p.errorf("%q: want \"METHOD URL\" (optionally \"weight=N\"), or a blank line between targets", line)
	}
	t := Target{Method: f[0], URL: f[1], Weight: 1, where: fmt.Sprintf("%s:%d", p.name, p.line)}
	if err := validateMethod(t.Method); err != nil {
		return p.errorf("%v", err)
	}
	if len(f) == 3 {
		w, ok := strings.CutPrefix(f[2], "weight=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 1 || n > weightMax {
			return p.errorf("%q: want weight=N with N in 1..%d", f[2], weightMax)
		}
		t.Weight = n
	}
	u, err := parseTarget(t.URL)
	if err != nil {
		return p.errorf("%v", err)
	}
	origin := u.origin()
	if p.origin == "" {
		p.origin = origin
	} else if origin != p.origin {
		return p.errorf("%s is not on %s, the first target's server: one run loads one server", t.URL, p.origin)
	}
	p.out = append(p.out, t)
	p.cur = &p.out[len(p.out)-1]
	return nil
}

// body reads "@path", the current target's body.
func (p *targetParser) body(path string) error {
	switch {
	case path == "":
		return p.errorf("@ without a path: want @body-file")
	case p.cur.Body != nil:
		return p.errorf("a second body line for one target")
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.bodyDir, path)
	}
	b, err := readLimited(path, bodySizeMax)
	if err != nil {
		return p.errorf("body: %v", err)
	}
	p.cur.Body = append([]byte{}, b...) // never nil: a body line was read
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, err
	case n > limit:
		return nil, fmt.Errorf("%s is over the %d-byte limit", path, limit)
	}
	return b.Bytes(), nil
}
