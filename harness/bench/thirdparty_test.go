package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"latencylab/harness/rundir"
)

// thirdParty is a server from a Debian package that the lab has no code
// for, started through --server with a configuration the test writes.
type thirdParty struct {
	name, bin, conf string // conf: the configuration, @PORT@ and @DIR@ to fill
	args            string // the binary's arguments, @CONF@ for the file
}

var thirdParties = []thirdParty{
	{name: "lighttpd", bin: "lighttpd", args: "-D -f @CONF@", conf: `server.document-root = "@DIR@"
server.bind = "127.0.0.1"
server.port = @PORT@
server.errorlog = "@DIR@/lighttpd-error.log"
`},
	{name: "h2o", bin: "h2o", args: "-c @CONF@", conf: `listen:
  host: 127.0.0.1
  port: @PORT@
user: nobody
hosts:
  default:
    paths:
      /:
        file.dir: @DIR@
error-log: @DIR@/h2o-error.log
`},
}

// command is the --server value: the port goes into the configuration
// (neither server takes it on its command line), then the server runs in
// the foreground.
func (s thirdParty) command(t *testing.T, bin, dir string) string {
	t.Helper()
	tmpl := filepath.Join(dir, s.name+".conf.in")
	if err := os.WriteFile(tmpl, []byte(strings.ReplaceAll(s.conf, "@DIR@", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, s.name+"-{port}.conf")
	return s.name + "=sed 's/@PORT@/{port}/' " + tmpl + " > " + conf + " && exec " + bin + " " + strings.ReplaceAll(s.args, "@CONF@", conf)
}

// Servers no one here wrote, from their Debian packages, benched beside
// the best stage through --server: each is measured (throughput, CPU time
// of its process group, kernel counters, a system profile where perf
// records) and shows in the report. Each one absent skips, saying so
// (.ci/run installs them).
func TestThirdPartyServersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: benches third-party servers; skipped in -short mode")
	}
	// h2o drops to nobody: the documents, and every folder above them,
	// must be readable by anyone (t.TempDir's parent is not).
	dir, err := os.MkdirTemp("", "lab-thirdparty-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plaintext"), []byte("Hello, World!"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--scenario", "ladder", "--quick", "--servers", "rawsyscall"}
	var names []string
	for _, s := range thirdParties {
		bin, err := exec.LookPath(s.bin)
		if err != nil {
			t.Logf("%s is not installed: not benched (.ci/run installs it)", s.name)
			continue
		}
		args = append(args, "--server", s.command(t, bin, dir))
		names = append(names, s.name)
	}
	if len(names) == 0 {
		t.Skip("no third-party server installed (lighttpd, h2o): .ci/run installs them")
	}
	run := runBench(t, buildLab(t), args...)
	r, err := rundir.Read(run)
	if err != nil {
		t.Fatal(err)
	}
	perfRecords := !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "system profiles") })
	for _, name := range names {
		s := server(t, r, name)
		if s.Failed || s.Kind != rundir.KindExternal || s.Throughput.Center <= 0 || s.CPUPerRequestUS == nil || *s.CPUPerRequestUS <= 0 {
			t.Errorf("%s: %+v", name, s)
		}
		if lr, err := rundir.ReadRound(run, name, 1); err != nil || lr.Kernel == nil {
			t.Errorf("%s round 1: no kernel counters (%v)", name, err)
		}
		if perfRecords && !slices.Contains(s.Profiles, rundir.SysProfileFile) {
			t.Errorf("%s: no system profile although perf records (profiles %v)", name, s.Profiles)
		}
	}
}
