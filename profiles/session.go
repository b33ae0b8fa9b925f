package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"

	"github.com/felixge/fgprof"
	"github.com/google/pprof/profile"

	"latencylab/internal/statsdoc"
)

// Errors a Session reports for calls out of order.
var (
	ErrRunning    = errors.New("profiles: a profiling session is already running")
	ErrNotRunning = errors.New("profiles: no profiling session is running")
)

// Session captures one load window: a CPU profile, a wall-clock profile
// and the allocations made between Start and Stop. The zero value is
// ready to use; it may be started again after Stop. It is safe for
// concurrent use, because a control endpoint drives it from HTTP handlers.
type Session struct {
	mu        sync.Mutex
	running   bool
	started   time.Time
	cpu       bytes.Buffer
	wall      bytes.Buffer
	trace     bytes.Buffer // runtime/trace: the execution trace, for go tool trace
	stopWall  func() error
	heapStart *profile.Profile
}

// Start begins capturing. The CPU profiler is process-wide, so Start
// fails if anyone else in the process is already using it.
func (s *Session) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return ErrRunning
	}
	// The allocation baseline comes first so that the profilers' own
	// start-up allocations fall inside the window rather than skewing it.
	heap, err := allocSnapshot()
	if err != nil {
		return err
	}
	s.cpu.Reset()
	s.wall.Reset()
	if err := pprof.StartCPUProfile(&s.cpu); err != nil {
		return fmt.Errorf("profiles: start cpu profile: %w", err)
	}
	s.stopWall = fgprof.Start(&s.wall, fgprof.FormatPprof)
	s.trace.Reset()
	if err := trace.Start(&s.trace); err != nil {
		// Someone else traces this process: the window goes on without.
		s.trace.Reset()
	}
	s.heapStart = heap
	s.started = time.Now()
	s.running = true
	return nil
}

// Stop ends the window and returns its files: cpu.pb.gz, wall.pb.gz,
// allocs.pb.gz and trace.out, those captured, in FileNames' order. It
// writes nothing: where the files go is the caller's business. The
// session is stopped even when a part fails, so that nothing can leave
// the process-wide CPU profiler stuck on.
func (s *Session) Stop() ([]File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return nil, ErrNotRunning
	}
	s.running = false
	// fgprof divides by its sample count: a window with no sample at all
	// would crash it, so every window lasts a few of its ticks.
	time.Sleep(time.Until(s.started.Add(minWindow)))
	pprof.StopCPUProfile()
	files := map[string][]byte{statsdoc.CPUProfileFile: s.cpu.Bytes()}
	if trace.IsEnabled() {
		trace.Stop()
		files[statsdoc.TraceFile] = s.trace.Bytes()
	}
	wallErr := stopSafely(s.stopWall)
	if wallErr == nil {
		files[statsdoc.WallProfileFile] = s.wall.Bytes()
	}
	allocs, allocErr := s.allocDelta()
	if allocErr == nil {
		files[statsdoc.AllocsFile] = allocs
	}
	// Whatever was captured is returned even if another part failed: a
	// CPU profile without its wall twin is still worth having.
	var out []File
	for _, name := range FileNames() {
		if files[name] != nil {
			// A copy: the next Start reuses the buffers while the caller
			// may still be sending these.
			out = append(out, File{Name: name, Data: bytes.Clone(files[name])})
		}
	}
	if err := errors.Join(wallErr, allocErr); err != nil {
		return out, fmt.Errorf("profiles: stop: %w", err)
	}
	return out, nil
}

// minWindow is the shortest profiling window: five fgprof ticks (99 Hz).
const minWindow = 50 * time.Millisecond

// stopSafely turns a panic in fgprof's stop (possible if the process was
// so starved that it never sampled) into an error.
func stopSafely(stop func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("profiles: wall profiler failed: %v", r)
		}
	}()
	return stop()
}

// allocDelta serializes the allocations made since Start.
func (s *Session) allocDelta() ([]byte, error) {
	end, err := allocSnapshot()
	if err != nil {
		return nil, err
	}
	d, err := AllocDelta(s.heapStart, end)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		return nil, fmt.Errorf("profiles: encode allocs: %w", err)
	}
	return buf.Bytes(), nil
}
