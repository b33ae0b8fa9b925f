package profiles

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeSample is one stack in the fixture, leaf first.
type fakeSample struct {
	comm   string
	tid    int
	period int64
	frames [][2]string // symbol, dso
}

// perfScriptText writes samples the way `perf script -F PerfScriptFields`
// prints them: a header line, one indented line per frame, a blank line.
func perfScriptText(samples []fakeSample) string {
	var b strings.Builder
	for i, s := range samples {
		fmt.Fprintf(&b, "%s %6d %10d \n", s.comm, s.tid, s.period)
		for j, f := range s.frames {
			fmt.Fprintf(&b, "\t%16x %s (%s)\n", 0x400000+i*64+j, f[0], f[1])
		}
		b.WriteString("\n")
	}
	return b.String()
}

const (
	labBin = "/usr/local/bin/lab"
	kern   = "[kernel.kallsyms]"
)

// fixture: a server read (kernel, for the server), sysmon's nanosleep
// (kernel, for the runtime), a parser frame (user), a GC frame (runtime),
// and an nginx-like thread whose comm has a space and whose frame has no
// symbol.
func fixture() []fakeSample {
	return []fakeSample{
		{"lab", 101, 1_000_000, [][2]string{{"tcp_recvmsg", kern}, {"do_syscall_64", kern},
			{"internal/runtime/syscall/linux.Syscall6", labBin}, {"syscall.RawSyscall", labBin},
			{"golang.org/x/sys/unix.RawSyscall", labBin}, {"latencylab/stages/core.(*Reactor).sysRead", labBin}}},
		{"lab", 102, 1_000_000, [][2]string{{"finish_task_switch.isra.0", kern}, {"do_nanosleep", kern},
			{"runtime.usleep", labBin}, {"runtime.sysmon", labBin}}},
		{"lab", 101, 2_000_000, [][2]string{{"latencylab/stages/http1.(*Parser).scanFields", labBin},
			{"latencylab/stages/http1.(*Parser).Parse", labBin}}},
		{"lab", 103, 1_000_000, [][2]string{{"runtime.scanobject", labBin}, {"runtime.gcDrain", labBin}}},
		{"nginx worker", 104, 1_000_000, [][2]string{{"[unknown]", "/usr/lib/x86_64-linux-gnu/libc.so.6"}}},
	}
}

func TestParsePerfScript(t *testing.T) {
	p, err := ParsePerfScript(strings.NewReader(perfScriptText(fixture())))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sample) != 5 {
		t.Fatalf("%d samples, want 5", len(p.Sample))
	}
	wantClass := []string{ClassKernel, ClassKernel, ClassUser, ClassRuntime, ClassUser}
	wantFor := []string{"server", "runtime", "", "", ""}
	for i, s := range p.Sample {
		if got := label(s, LabelClass); got != wantClass[i] {
			t.Errorf("sample %d: class %q, want %q", i, got, wantClass[i])
		}
		if got := label(s, LabelOnBehalf); got != wantFor[i] {
			t.Errorf("sample %d: for %q, want %q", i, got, wantFor[i])
		}
	}
	if got := label(p.Sample[4], LabelThread); got != "nginx worker/104" {
		t.Errorf("thread label %q", got)
	}
	if got := p.Sample[2].Location[0].Line[0].Function.Name; got != "latencylab/stages/http1.(*Parser).scanFields" {
		t.Errorf("method name %q", got)
	}
	if got := p.Sample[4].Location[0].Line[0].Function.Name; !strings.Contains(got, "libc.so.6") {
		t.Errorf("unknown symbol named %q, want its library", got)
	}
	if got := p.Sample[2].Value; got[0] != 1 || got[1] != 2_000_000 {
		t.Errorf("values %v, want [1 2000000]", got)
	}
	// A function seen again is the same location: the fixture twice has
	// twice the samples and the same 15 functions.
	twice, err := ParsePerfScript(strings.NewReader(perfScriptText(append(fixture(), fixture()...))))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Location) != 15 || len(twice.Location) != 15 || len(twice.Sample) != 10 {
		t.Errorf("locations %d and %d (samples %d), want 15, 15 (10)", len(p.Location), len(twice.Location), len(twice.Sample))
	}
}

func TestSplitCPU(t *testing.T) {
	p, err := ParsePerfScript(strings.NewReader(perfScriptText(fixture())))
	if err != nil {
		t.Fatal(err)
	}
	s := SplitCPU(p)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// 6 ms in all: kernel 2, runtime 1, user 3; sysmon's 1 ms of kernel is the runtime's.
	if !near(s.Kernel, 2.0/6) || !near(s.Runtime, 1.0/6) || !near(s.User, 3.0/6) || !near(s.KernelForRuntime, 1.0/6) {
		t.Fatalf("split %+v", s)
	}
	if s.Samples != 5 {
		t.Fatalf("samples %d", s.Samples)
	}
}

func TestParsePerfScriptRejects(t *testing.T) {
	for name, text := range map[string]string{
		"empty":         "",
		"bad period":    "lab 1 -5\n\t400000 main.main (/bin/x)\n\n",
		"bad tid":       "lab x 1000\n\t400000 main.main (/bin/x)\n\n",
		"short header":  "1000\n\t400000 main.main (/bin/x)\n\n",
		"frame, no hdr": "\t400000 main.main (/bin/x)\n\n",
	} {
		if _, err := ParsePerfScript(strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestPerfLiveCapture records this test process for real while it makes
// syscalls, where perf can record here; converts it; checks that kernel
// frames are there; and renders its flame graph.
func TestPerfLiveCapture(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	perf, err := FindPerf(ctx, "", dir)
	if err != nil {
		t.Skipf("no live capture: %v", err)
	}
	data := filepath.Join(dir, "perf.data")
	c, err := perf.Start(ctx, data, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	busySyscalls(t, 500*time.Millisecond)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	p, err := perf.Convert(ctx, data, filepath.Join(dir, "sys.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if s := SplitCPU(p); s.Kernel == 0 || s.Samples < 10 {
		t.Fatalf("a syscall loop with no kernel time: %+v", s)
	}
	if _, err := ReadProfile(filepath.Join(dir, "sys.pb.gz")); err != nil {
		t.Fatal(err)
	}
	if _, err := FlameGraphHTML(p, "live", nil); err != nil {
		t.Fatal(err)
	}
}

// busySyscalls writes to /dev/null for d (bounded by count as well).
func busySyscalls(t *testing.T, d time.Duration) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	end := time.Now().Add(d)
	for i := 0; i < 50_000_000 && time.Now().Before(end); i++ {
		_, _ = f.Write(buf)
	}
}

// Odd frames are left out and counted; a replaced binary's "(deleted)"
// and an unnamed kernel address are understood.
func TestParsePerfScriptTolerates(t *testing.T) {
	text := "lab 1 1000\n\tzz main.main (/bin/x)\n\t400000 main.main (/bin/lab (deleted))\n\n" +
		"lab 1 1000\n\tffffffff8134a26f [unknown] ([unknown])\n\t400000 main.main (/bin/lab)\n\n"
	p, err := ParsePerfScript(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sample) != 2 || len(p.Comments) != 1 {
		t.Fatalf("%d samples, comments %q", len(p.Sample), p.Comments)
	}
	if f := p.Sample[0].Location[0].Line[0].Function; f.Name != "main.main" || f.Filename != "/bin/lab" {
		t.Errorf("deleted binary: %s in %s", f.Name, f.Filename)
	}
	if got := label(p.Sample[1], LabelClass); got != ClassKernel {
		t.Errorf("an unnamed kernel address is %s, want kernel", got)
	}
}
