// Package stages is the ladder: one small file per stage, each the previous
// stage plus one change, declared as the strategies it plugs into the one
// core (stages/core) and the one HTTP layer (stages/httpd). Read the stage
// files in ladder order to see the whole journey; README.md beside them
// tells what each step changed, what the seeds (the tutorials the ladder
// retells, described there) claimed, and what the lab measured.
package stages

import (
	"cmp"

	"latencylab/stages/core"
	"latencylab/stages/httpd"
)

// Stage is one rung of the ladder.
type Stage struct {
	Name    string
	Summary string // one line, printed by `lab stages`
	// Base is the stage this one changes: its step is Base → Name. It
	// is the previous stage of the ladder except where the ladder
	// branches (uring and multicore both change rawsyscall). "" for the
	// first.
	Base string
	Core CoreStrategies
	HTTP httpd.Strategies
	// ZeroAlloc is the stage's claim that its request path allocates
	// nothing in steady state (from pools on); the tests hold it to it.
	ZeroAlloc bool
}

// CoreStrategies are the socket- and buffer-level choices of a stage.
type CoreStrategies struct {
	NoDelay  bool                                    // TCP_NODELAY on accepted sockets
	Backlog  int                                     // listen(2) backlog
	Buffers  func(size, keptMax int) core.BufferPool // read buffers of size bytes, at most keptMax idle
	Syscalls core.Syscalls                           // how the calls that cannot block reach the kernel
	Wait     core.Wait                               // how the loop waits for events
	Engine   core.Engine                             // epoll readiness or io_uring completions
	PerCPU   bool                                    // one reactor per CPU of the server; false: one reactor
	Balance  core.Balance                            // how a group of reactors spreads connections
}

// Default is the stage `lab serve` runs when none is named: the best one
// on one CPU. multicore, after it, is the same stage on every CPU the
// server is given.
const Default = "rawsyscall"

// Ladder returns the stages in order.
func Ladder() []Stage {
	return []Stage{naive(), nodelay(), keepalive(), pools(), stackbuf(), batched(), rawsyscall(), uring(), multicore()}
}

// Lookup finds a stage of the ladder by name.
func Lookup(name string) (Stage, bool) {
	for _, s := range Ladder() {
		if s.Name == name {
			return s, true
		}
	}
	return Stage{}, false
}

// Names lists the ladder's names in order.
func Names() []string {
	var names []string
	for _, s := range Ladder() {
		names = append(names, s.Name)
	}
	return names
}

// CoreConfig layers a reactor's settings, each applied once: this stage's
// strategies over the core's defaults (a zero setting is the default,
// which core.New fills in), then the overrides in order (lab serve's
// flags, a test's settings). The read-buffer pool is built last, for the
// final ReadBufferSize, so a pool holds buffers of the size the core asks
// for.
func (s Stage) CoreConfig(overrides ...func(*core.Config)) core.Config {
	cfg := core.Config{NoDelay: s.Core.NoDelay, Backlog: s.Core.Backlog, Syscalls: s.Core.Syscalls, Wait: s.Core.Wait,
		Engine: s.Core.Engine}
	for _, o := range overrides {
		o(&cfg)
	}
	size := cmp.Or(cfg.ReadBufferSize, core.DefaultReadBufferSize)
	cfg.Buffers = s.Core.Buffers(size, idleBuffersMax(cmp.Or(cfg.MemoryMax, core.DefaultMemoryMax), size))
	return cfg
}

// idleBuffersShare is the part of the memory budget a pool may keep as
// idle buffers. The budget charges buffers while connections hold them;
// a pool keeps what they give back, so without this bound the pool could
// hold about the budget again on top of it.
const idleBuffersShare = 8 // one eighth

func idleBuffersMax(memoryMax, size int) int {
	return max(1, memoryMax/idleBuffersShare/size)
}

func heapBuffers(int, int) core.BufferPool { return core.HeapBuffers{} }
