package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/pprof/profile"
)

// Settings of a system profile (linux-perf), each with its reason.
const (
	// DefaultPerfFreq samples ~1,000 times a second: 2,000 stacks in a 2 s
	// window, enough for a flame graph, at a cost perf itself keeps small.
	DefaultPerfFreq = 999
	// perfEvent is a software clock, so it works in VMs that expose no
	// hardware counters.
	perfEvent = "cpu-clock"
	// perfStopGrace bounds how long perf may take to write its file after
	// SIGINT before it is killed.
	perfStopGrace = 10 * time.Second
	// perfScriptTimeout bounds the conversion of one capture to text.
	perfScriptTimeout = 2 * time.Minute
)

// Perf records system profiles (kernel frames included) of running
// processes with linux-perf.
type Perf struct {
	Bin  string // the perf binary
	Freq int    // samples per second; 0: DefaultPerfFreq
}

// FindPerf locates perf (bin, or PATH when bin is "") and proves it can
// record here: perf_event_paranoid or a container may forbid it even when
// the binary is installed. The error says why in words meant for a note
// in the report. tmp receives a probe file, removed again.
func FindPerf(ctx context.Context, bin, tmp string) (Perf, error) {
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("perf"); err != nil {
			return Perf{}, errors.New("perf (linux-perf) is not installed")
		}
	}
	p := Perf{Bin: bin}
	data := filepath.Join(tmp, "perf-probe.data")
	defer os.Remove(data)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "record", "-q", "-e", perfEvent, "-g", "-o", data, "--", "true").CombinedOutput()
	if err != nil {
		return Perf{}, fmt.Errorf("perf cannot record here (%v): %s", err, firstLine(out))
	}
	return p, nil
}

// Capture is one running `perf record`.
type Capture struct {
	cmd    *exec.Cmd
	data   string
	stderr bytes.Buffer
	done   chan error
}

// Start records the given processes (all their threads) into data until
// Stop, or until ctx ends.
func (p Perf) Start(ctx context.Context, data string, pids ...int) (*Capture, error) {
	if len(pids) == 0 {
		return nil, errors.New("profiles: perf record: no process")
	}
	var list []string
	for _, pid := range pids {
		list = append(list, strconv.Itoa(pid))
	}
	freq := p.Freq
	if freq == 0 {
		freq = DefaultPerfFreq
	}
	c := &Capture{data: data, done: make(chan error, 1)}
	c.cmd = exec.CommandContext(ctx, p.Bin, "record", "-q", "-e", perfEvent, "-F", strconv.Itoa(freq), "-g",
		"-p", strings.Join(list, ","), "-o", data)
	c.cmd.Stderr = &c.stderr
	// perf writes a complete file when interrupted, not when killed.
	c.cmd.Cancel = func() error { return c.cmd.Process.Signal(syscall.SIGINT) }
	c.cmd.WaitDelay = perfStopGrace
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("profiles: perf record: %w", err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	return c, nil
}

// Stop ends the recording (SIGINT, as Ctrl-C would) and waits for the file.
func (c *Capture) Stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-c.done:
	case <-time.After(perfStopGrace):
		_ = c.cmd.Process.Kill()
		err = <-c.done
	}
	// perf exits with status 0 or, for SIGINT, -1/130 depending on version:
	// what counts is a readable file, which Convert checks.
	if _, statErr := os.Stat(c.data); statErr != nil {
		return fmt.Errorf("profiles: perf record wrote nothing (%v): %s", err, firstLine(c.stderr.Bytes()))
	}
	return nil
}

// Convert turns a capture into a pprof profile, written gzipped to out.
func (p Perf) Convert(ctx context.Context, data, out string) (*profile.Profile, error) {
	ctx, cancel := context.WithTimeout(ctx, perfScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.Bin, "script", "-i", data, "-F", PerfScriptFields)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("profiles: perf script: %w: %s", err, firstLine(stderr.Bytes()))
	}
	prof, err := ParsePerfScript(&stdout)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	if err := prof.Write(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("profiles: write %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("profiles: write %s: %w", out, err)
	}
	return prof, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}
