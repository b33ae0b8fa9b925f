package profiles

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// PerfScriptFields are the fields ParsePerfScript reads, in the order
// `perf script -F` must print them.
const PerfScriptFields = "comm,tid,period,ip,sym,dso"

// Sample labels of a system profile: pprof's -tagfocus and -tagshow filter
// on them (`go tool pprof -tagfocus=class=kernel sys.pb.gz`).
const (
	LabelClass  = "class"  // where the sample's leaf frame runs: one of the Class values
	LabelThread = "thread" // comm/tid of the sampled thread
	// LabelOnBehalf, on kernel samples, says whose request the kernel was
	// serving: "runtime" when the user-space caller is the Go runtime's
	// own work (sysmon's nanosleep, futex waits and wakes, mmap), "server"
	// otherwise (the server's reads, writes, epoll calls).
	LabelOnBehalf = "for"
)

// Classes of CPU time, by the leaf frame of a sample.
const (
	ClassKernel  = "kernel"  // a kernel frame: syscalls, the network stack, scheduling, interrupts
	ClassRuntime = "runtime" // the Go runtime: packages runtime, internal/runtime/..., syscall
	ClassUser    = "user"    // everything else: the server's own code and its libraries (libc too)
)

// kernelDSO is how perf names the kernel's image; kernelSpace is where
// x86-64 and arm64 kernel addresses begin, for frames perf could not name
// (kptr_restrict hides the kernel's symbols from a non-root recorder).
const (
	kernelDSO   = "[kernel.kallsyms]"
	kernelSpace = 0xffff800000000000
)

// perfFrame is one line of a sample's call chain.
type perfFrame struct {
	addr uint64
	sym  string
	dso  string
}

// ParsePerfScript converts the text of `perf script -F PerfScriptFields`
// of a `perf record -g` capture into a pprof CPU profile with kernel and
// user frames, so that the flame-graph and diff code works on it
// unchanged. Each sample keeps its period (nanoseconds for the cpu-clock
// event) and is labelled with its class and thread.
func ParsePerfScript(r io.Reader) (*profile.Profile, error) {
	b := newPerfBuilder()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		head   string
		frames []perfFrame
		line   int
	)
	flush := func() error {
		if head == "" {
			return nil
		}
		err := b.add(head, frames)
		head, frames = "", frames[:0]
		return err
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case strings.TrimSpace(text) == "":
			if err := flush(); err != nil {
				return nil, fmt.Errorf("profiles: perf script line %d: %w", line, err)
			}
		case text[0] == ' ' || text[0] == '\t':
			f, err := parsePerfFrame(text)
			if err != nil {
				// One odd frame does not spoil the capture: it is
				// counted in the profile's comments instead.
				b.badFrames++
				continue
			}
			frames = append(frames, f)
		default:
			if err := flush(); err != nil {
				return nil, fmt.Errorf("profiles: perf script line %d: %w", line, err)
			}
			head = text
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("profiles: read perf script: %w", err)
	}
	if err := flush(); err != nil {
		return nil, fmt.Errorf("profiles: perf script line %d: %w", line, err)
	}
	if len(b.p.Sample) == 0 {
		return nil, fmt.Errorf("profiles: perf script has no samples")
	}
	if b.badFrames > 0 {
		b.p.Comments = append(b.p.Comments, fmt.Sprintf("%d frames of perf script could not be parsed and were left out", b.badFrames))
	}
	return b.p, b.p.CheckValid()
}

// parsePerfFrame reads "ADDR SYMBOL (DSO)". The symbol may hold spaces
// and parentheses (Go methods: "pkg.(*T).M"); the DSO is the last
// parenthesized part.
func parsePerfFrame(text string) (perfFrame, error) {
	text = strings.TrimSpace(text)
	addrText, rest, _ := strings.Cut(text, " ")
	addr, err := strconv.ParseUint(addrText, 16, 64)
	if err != nil {
		return perfFrame{}, fmt.Errorf("frame %q: address: %w", text, err)
	}
	// A binary replaced while perf recorded is "(/path (deleted))".
	deleted := strings.HasSuffix(rest, " (deleted))")
	if deleted {
		rest = strings.TrimSuffix(rest, " (deleted))") + ")"
	}
	open := strings.LastIndex(rest, " (")
	if open < 0 || !strings.HasSuffix(rest, ")") {
		return perfFrame{}, fmt.Errorf("frame %q: no (dso)", text)
	}
	return perfFrame{addr: addr, sym: strings.TrimSpace(rest[:open]), dso: rest[open+2 : len(rest)-1]}, nil
}

// perfBuilder accumulates a profile, one location per (symbol, dso): the
// flame graph and the diffs work by function, and addresses of one
// function would only multiply nodes.
type perfBuilder struct {
	badFrames int
	p         *profile.Profile
	mappings  map[string]*profile.Mapping
	functions map[string]*profile.Function
	locations map[string]*profile.Location
}

func newPerfBuilder() *perfBuilder {
	return &perfBuilder{
		p: &profile.Profile{
			SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
			PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		},
		mappings:  map[string]*profile.Mapping{},
		functions: map[string]*profile.Function{},
		locations: map[string]*profile.Location{},
	}
}

// add appends one sample: head is "COMM TID PERIOD" (COMM may hold
// spaces), frames leaf first.
func (b *perfBuilder) add(head string, frames []perfFrame) error {
	fields := strings.Fields(head)
	if len(fields) < 3 {
		return fmt.Errorf("sample header %q: want COMM TID PERIOD", head)
	}
	n := len(fields)
	period, err := strconv.ParseInt(fields[n-1], 10, 64)
	if err != nil || period <= 0 {
		return fmt.Errorf("sample header %q: period: want a positive integer", head)
	}
	tid := fields[n-2]
	if _, err := strconv.Atoi(tid); err != nil {
		return fmt.Errorf("sample header %q: tid: %w", head, err)
	}
	comm := strings.Join(fields[:n-2], " ")
	if len(frames) == 0 {
		frames = []perfFrame{{sym: "[no stack]", dso: "[unknown]"}}
	}
	s := &profile.Sample{
		Value: []int64{1, period},
		Label: map[string][]string{LabelClass: {classify(frames[0])}, LabelThread: {comm + "/" + tid}},
	}
	if s.Label[LabelClass][0] == ClassKernel {
		s.Label[LabelOnBehalf] = []string{onBehalf(frames)}
	}
	for _, f := range frames {
		s.Location = append(s.Location, b.location(f))
	}
	b.p.Sample = append(b.p.Sample, s)
	return nil
}

func (b *perfBuilder) location(f perfFrame) *profile.Location {
	name := f.sym
	if name == "" || name == "[unknown]" {
		name = fmt.Sprintf("[unknown] %s", f.dso) // one node per library, not one per address
	}
	key := name + "\x00" + f.dso
	if l, ok := b.locations[key]; ok {
		return l
	}
	fn := b.functions[key]
	if fn == nil {
		fn = &profile.Function{ID: uint64(len(b.p.Function) + 1), Name: name, SystemName: name, Filename: f.dso}
		b.functions[key] = fn
		b.p.Function = append(b.p.Function, fn)
	}
	l := &profile.Location{ID: uint64(len(b.p.Location) + 1), Mapping: b.mapping(f.dso), Address: f.addr,
		Line: []profile.Line{{Function: fn}}}
	b.locations[key] = l
	b.p.Location = append(b.p.Location, l)
	return l
}

// mapping is one per DSO, marked symbolized so pprof never looks for the
// binary.
func (b *perfBuilder) mapping(dso string) *profile.Mapping {
	if m, ok := b.mappings[dso]; ok {
		return m
	}
	m := &profile.Mapping{ID: uint64(len(b.p.Mapping) + 1), File: dso, HasFunctions: true}
	b.mappings[dso] = m
	b.p.Mapping = append(b.p.Mapping, m)
	return m
}

// classify names where a sample's leaf frame runs.
func classify(leaf perfFrame) string {
	switch {
	case leaf.dso == kernelDSO || strings.HasPrefix(leaf.dso, "/lib/modules/") || leaf.addr >= kernelSpace:
		return ClassKernel
	case isGoRuntime(leaf.sym):
		return ClassRuntime
	default:
		return ClassUser
	}
}

// isGoRuntime: the runtime proper, its internal packages, and the syscall
// package's entry and exit paths.
func isGoRuntime(sym string) bool {
	for _, p := range []string{"runtime.", "internal/runtime/", "syscall."} {
		if strings.HasPrefix(sym, p) {
			return true
		}
	}
	return false
}

// onBehalf finds the user-space caller of a kernel sample: the first frame
// above the kernel's and above the syscall wrappers. A sample with no user
// frame (an interrupt, a kernel thread's work) counts as the server's.
func onBehalf(frames []perfFrame) string {
	for _, f := range frames {
		switch {
		case classify(f) == ClassKernel, isSyscallWrapper(f.sym):
			continue
		case isGoRuntime(f.sym):
			return "runtime"
		default:
			return "server"
		}
	}
	return "server"
}

// isSyscallWrapper: the frames every syscall from Go passes through, which
// say nothing about who asked for it.
func isSyscallWrapper(sym string) bool {
	for _, p := range []string{"internal/runtime/syscall", "syscall.", "golang.org/x/sys/unix.", "runtime.entersyscall", "runtime.exitsyscall"} {
		if strings.HasPrefix(sym, p) {
			return true
		}
	}
	return false
}
