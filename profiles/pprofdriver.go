package profiles

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/pprof/driver"
	"github.com/google/pprof/profile"
)

// This file adapts pprof's driver so that it runs in-process on a
// profile already in memory, with fixed arguments, no terminal, no
// symbolization and no network.

// argFlags is a driver.FlagSet over a private flag.FlagSet and fixed
// arguments (pprof's default reads os.Args and the global flag set).
type argFlags struct {
	fs    *flag.FlagSet
	args  []string
	usage []string
}

func newArgFlags(args []string) *argFlags {
	fs := flag.NewFlagSet("pprof", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &argFlags{fs: fs, args: args}
}

func (f *argFlags) Bool(n string, d bool, u string) *bool          { return f.fs.Bool(n, d, u) }
func (f *argFlags) Int(n string, d int, u string) *int             { return f.fs.Int(n, d, u) }
func (f *argFlags) Float64(n string, d float64, u string) *float64 { return f.fs.Float64(n, d, u) }
func (f *argFlags) String(n, d, u string) *string                  { return f.fs.String(n, d, u) }
func (f *argFlags) ExtraUsage() string                             { return strings.Join(f.usage, "\n") }
func (f *argFlags) AddExtraUsage(eu string)                        { f.usage = append(f.usage, eu) }

// StringList mirrors pprof's GoFlags: one value per flag.
func (f *argFlags) StringList(n, d, u string) *[]*string {
	return &[]*string{f.fs.String(n, d, u)}
}

// Parse returns the positional arguments; on a bad flag it returns none,
// which makes the driver fail with "no profile source specified".
func (f *argFlags) Parse(usage func()) []string {
	if err := f.fs.Parse(f.args); err != nil {
		usage()
		return nil
	}
	return f.fs.Args()
}

// memFetcher hands the driver a copy of an in-memory profile whatever the
// source name; the driver mutates what it fetches. The empty source URL
// it returns tells the driver the profile is local: for a "remote" one it
// would save a copy under $HOME/pprof.
type memFetcher struct{ p *profile.Profile }

func (m memFetcher) Fetch(string, time.Duration, time.Duration) (*profile.Profile, string, error) {
	return m.p.Copy(), "", nil
}

// noObj keeps the driver from opening binaries to locate or symbolize
// mappings: the profile already names every function.
type noObj struct{}

func (noObj) Open(file string, _, _, _ uint64, _ string) (driver.ObjFile, error) {
	return nil, fmt.Errorf("profiles: no object files (%s)", file)
}

func (noObj) Disasm(string, uint64, uint64, bool) ([]driver.Inst, error) {
	return nil, errors.New("profiles: no disassembly")
}

// noSymbolizer: Go profiles carry their own function names, and
// symbolizing would go looking for binaries or URLs.
type noSymbolizer struct{}

func (noSymbolizer) Symbolize(string, driver.MappingSources, *profile.Profile) error { return nil }

// noNetwork refuses every request the driver might try to make.
type noNetwork struct{}

func (noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("profiles: pprof driver may not fetch %s", r.URL)
}

// slogUI routes the driver's chatter to a logger and never reads input.
type slogUI struct{ log *slog.Logger }

func (u slogUI) ReadLine(string) (string, error)     { return "", errors.New("profiles: no terminal") }
func (u slogUI) Print(a ...any)                      { u.log.Debug("pprof: " + strings.TrimSpace(fmt.Sprint(a...))) }
func (u slogUI) PrintErr(a ...any)                   { u.log.Warn("pprof: " + strings.TrimSpace(fmt.Sprint(a...))) }
func (u slogUI) IsTerminal() bool                    { return false }
func (u slogUI) WantBrowser() bool                   { return false }
func (u slogUI) SetAutoComplete(func(string) string) {}
