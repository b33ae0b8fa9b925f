package bench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"latencylab/harness/rundir"
	"latencylab/harness/scenarios"
)

func TestRunWritesRunDirectory(t *testing.T) {
	opt := fakeOptions(t, "naive", "stackbuf", "nethttp")
	run, dir, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasSuffix(dir, "-capacity") || filepath.Dir(dir) != opt.Out {
		t.Errorf("run dir %s, want <out>/<stamp>-capacity", dir)
	}
	mustExist(t, dir, "bench.txt")
	for _, name := range []string{"naive", "stackbuf", "nethttp"} {
		s := server(t, run, name)
		if s.Failed || s.Rounds != 2 || s.Throughput.Center != 1000 || s.Requests != 2000 {
			t.Errorf("%s: %+v", name, s)
		}
		if s.AllocsPerRequest == nil || *s.AllocsPerRequest != fakeAllocs {
			t.Errorf("%s: allocs/request %v, want %d", name, s.AllocsPerRequest, fakeAllocs)
		}
		if s.SyscallsPerRequest["total"] != 3 || s.SyscallsPerRequest["read"] != 2 {
			t.Errorf("%s: syscalls/request %v", name, s.SyscallsPerRequest)
		}
		if s.CPUPerRequestUS == nil || s.GCCycles == nil || len(s.Profiles) != 4 {
			t.Errorf("%s: cpu %v gc %v profiles %v", name, s.CPUPerRequestUS, s.GCCycles, s.Profiles)
		}
		for _, f := range []string{"round-1.json", "round-2.json", "round-1.hlog", "stats-before.json", "stats-after.json", "cpu.pb.gz", "wall.pb.gz", "allocs.pb.gz"} {
			mustExist(t, dir, name, f)
		}
	}
	if run.Env.GOGC != "100" || run.Env.ServerCPUs == "" || run.Env.Sysctls["net.core.somaxconn"] == "" || run.Env.GitCommit == "" {
		t.Errorf("env %+v", run.Env)
	}
	if run.Scenario.Name != "capacity" || !run.Scenario.Quick || run.Scenario.Rounds != 2 {
		t.Errorf("scenario %+v", run.Scenario)
	}
}

func TestFailedServersAreRecordedAndTheBenchGoesOn(t *testing.T) {
	opt := fakeOptions(t, "naive", "stackbuf", "nethttp")
	t.Setenv(fakeExitEnv, "naive")
	t.Setenv(fakeDieEnv, "stackbuf")
	run, _, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	naive := server(t, run, "naive")
	if !naive.Failed || !strings.Contains(naive.FailReason, "deliberate start failure") {
		t.Errorf("naive: failed %v reason %q, want the stderr tail", naive.Failed, naive.FailReason)
	}
	stack := server(t, run, "stackbuf")
	if !stack.Failed || !strings.Contains(stack.FailReason, "during round 1") || !strings.Contains(stack.FailReason, "deliberate crash") {
		t.Errorf("stackbuf: failed %v reason %q", stack.Failed, stack.FailReason)
	}
	if s := server(t, run, "nethttp"); s.Failed || s.Rounds != 2 {
		t.Errorf("nethttp should have run: %+v", s)
	}
}

func TestStageMissingFromLabStages(t *testing.T) {
	opt := fakeOptions(t, "naive", "pools")
	t.Setenv(fakeStagesEnv, "naive")
	run, _, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if s := server(t, run, "pools"); !s.Failed || !strings.Contains(s.FailReason, "not listed") {
		t.Errorf("pools: %+v", s)
	}
	if s := server(t, run, "naive"); s.Failed {
		t.Errorf("naive failed: %s", s.FailReason)
	}
}

func TestBogusLabBinary(t *testing.T) {
	opt := fakeOptions(t)
	opt.Lab = filepath.Join(t.TempDir(), "no-such-lab")
	run, _, err := runFake(t, opt)
	if !errors.Is(err, ErrAllFailed) {
		t.Fatalf("Run error %v, want ErrAllFailed", err)
	}
	sc, err := scenarios.Load("capacity")
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Servers) != len(ContractLadder())+len(sc.Variants)+2 {
		t.Errorf("servers %d, want the contract ladder, the capacity variants and nethttp, fasthttp", len(run.Servers))
	}
	for _, s := range run.Servers {
		if !s.Failed || s.FailReason == "" {
			t.Errorf("%s: failed %v reason %q", s.Name, s.Failed, s.FailReason)
		}
	}
}

func TestUnknownServerIsAUsageError(t *testing.T) {
	opt := fakeOptions(t, "naive", "bogus")
	_, err := Run(t.Context(), opt)
	var ue UsageError
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "bogus") || !strings.Contains(ue.Msg, "stackbuf") || !strings.Contains(ue.Msg, "nginx") {
		t.Errorf("error %v, want a usage error listing the valid names", err)
	}
}

func TestUnwritableOut(t *testing.T) {
	opt := fakeOptions(t, "naive")
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Out = file
	if _, err := Run(t.Context(), opt); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("error %v, want one naming --out", err)
	}
}

func TestEveryChildIsStopped(t *testing.T) {
	opt := fakeOptions(t, "naive", "stackbuf")
	pids := t.TempDir()
	t.Setenv(fakePidsEnv, pids)
	if _, _, err := runFake(t, opt); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(pids)
	if err != nil || len(ents) < 5 { // stages, 2 servers, 4 loads, 2 profiling loads
		t.Fatalf("pid files: %d, %v", len(ents), err)
	}
	for _, e := range ents {
		pid := atoi(t, e.Name())
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child %d still exists after Run (kill 0: %v)", pid, err)
		}
	}
}

func TestRateRuleProbesItsServer(t *testing.T) {
	opt := fakeOptions(t, "stackbuf") // the rule probes naive, which is not benched
	opt.Scenario = "ladder"
	run, _, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	sc := run.Scenario
	// The fake load always reports 1000 req/s.
	if sc.Rate < 1000 || !strings.Contains(sc.RateRule, "naive") || !strings.Contains(sc.RateRule, "1000, 1000") {
		t.Errorf("rate %v rule %q, want the factor applied to naive's probes", sc.Rate, sc.RateRule)
	}
	if len(run.Servers) != 1 || run.Servers[0].Name != "stackbuf" {
		t.Errorf("servers %+v: the probe's server must not join the run", run.Servers)
	}
}

func TestTakenPortIsRetried(t *testing.T) {
	opt := fakeOptions(t, "naive")
	opt.Rounds = 1
	t.Setenv(fakeTakenEnv, filepath.Join(t.TempDir(), "taken"))
	run, _, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if s := server(t, run, "naive"); s.Failed || s.Rounds != 1 {
		t.Errorf("naive after a taken port: %+v", s)
	}
}

// A scenario file from disk runs like an embedded one, its own external
// servers beside the selected ones; a bad file is a usage error naming it.
func TestScenarioFileWithExternalServer(t *testing.T) {
	opt := fakeOptions(t, "naive")
	t.Setenv("TMPDIR", t.TempDir()) // the fake server's token file
	exe, _ := os.Executable()
	file := filepath.Join(t.TempDir(), "mine.json")
	body := `{"name": "mine", "description": "a user's scenario", "path": "/plaintext", "mode": "keepalive",
 "conns": 2, "rate": 0, "warmup": "100ms", "duration": "300ms", "rounds": 2, "profile": "200ms", "timeout": "2s",
 "quick": {"rounds": 2},
 "external": [{"name": "theirs", "command": "` + exe + ` serve --stage theirs --addr {addr} --control 127.0.0.1:0"}]}`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Scenario = file
	run, dir, err := runFake(t, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasSuffix(dir, "-mine") {
		t.Errorf("run dir %s, want <stamp>-mine", dir)
	}
	s := server(t, run, "theirs")
	if s.Failed || s.Kind != rundir.KindExternal || s.Rounds != 2 || s.AllocsPerRequest != nil {
		t.Errorf("theirs: %+v", s)
	}
	server(t, run, "naive")
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(strings.Replace(body, `"conns": 2`, `"conns": 0`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Scenario = bad
	var ue UsageError
	if _, err := Run(context.Background(), opt); !errors.As(err, &ue) || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a bad scenario file: %v, want a usage error naming it", err)
	}
}
