package rundir

import (
	"errors"
	"fmt"
	"regexp"
)

// MaxNameLen bounds a server or scenario name.
const MaxNameLen = 64

// nameRe is what a server or scenario name may be. Names become folders
// of a run directory (<run>/<server>/) and parts of file names, so a
// name from outside (a scenario file, a run.json, the command line) is
// checked here, once, before it becomes a path: no separator, no "..",
// nothing hidden, nothing a shell or a URL would have to quote.
var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+~-]*$`)

// ErrBadName is a name that cannot be a folder of a run.
var ErrBadName = errors.New("bad name")

// CheckName reports whether name can name a server or a scenario.
func CheckName(name string) error {
	if len(name) > MaxNameLen || !nameRe.MatchString(name) {
		return fmt.Errorf("%w %q: want at most %d of letters, digits and . _ + ~ -, starting with a letter or digit",
			ErrBadName, name, MaxNameLen)
	}
	return nil
}
