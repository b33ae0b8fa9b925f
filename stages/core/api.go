// Package core is the lab's one epoll reactor. It owns the listener, the
// connection table, readiness, timers, limits, graceful shutdown and the
// syscall counters. It knows nothing about HTTP: a protocol plugs in through
// Handler, and stages differ only through Config and the strategies in it.
//
// This file holds the package's settings, the strategy and protocol
// interfaces and the counters; the Reactor is in reactor.go, the Conn a
// protocol sees in conn.go.
package core

import (
	"log/slog"
	"time"
)

// Defaults for every limit. Each is a named setting in Config.
const (
	DefaultBacklog        = 1024
	DefaultMaxConns       = 10_000
	DefaultReadBufferSize = 16 << 10         // first read buffer of a connection
	DefaultReadBufferMax  = 1<<20 + 32<<10   // growth limit: body limit + header limits
	DefaultHeaderTimeout  = 10 * time.Second // slowloris guard: time to read one request
	DefaultIdleTimeout    = 60 * time.Second // keep-alive: time between requests
	DefaultWriteTimeout   = 10 * time.Second // time for pending output to drain
	DefaultDrainTimeout   = 5 * time.Second  // graceful shutdown deadline
	DefaultMaxEvents      = 256              // epoll_wait batch
	DefaultReadsPerEvent  = 16               // reads of one connection before the others get a turn
	DefaultPendingMax     = 4 << 20          // pending output per connection before it is closed
	DefaultLingerTimeout  = 2 * time.Second  // after CloseAfterWrite: wait for the peer's FIN
	DefaultMemoryMax      = 256 << 20        // server-wide: read buffers held + pending output
	DefaultRefusedMax     = 1024             // refused connections lingering at once (see Config.Reject)
	DefaultHandoffMax     = 4096             // connections handed to a reactor and not yet taken in
	DefaultRingEntries    = 1024             // io_uring: submission queue entries (the CQ ring has twice as many)
	DefaultRecvBuffers    = 1024             // io_uring: provided receive buffers (a power of two)
	DefaultRecvBufferSize = 4 << 10          // io_uring: bytes per provided receive buffer
)

// Config is everything a reactor needs. Zero values take the defaults above.
type Config struct {
	Addr           string        // "127.0.0.1:8080" or "[::1]:8080"; port 0 picks a free port
	Backlog        int           // listen(2) backlog
	MaxConns       int           // connections over this are refused (Reject, then FIN) and counted
	ReadBufferSize int           // initial read buffer per connection
	ReadBufferMax  int           // a connection whose unconsumed input would exceed this is closed
	PendingMax     int           // unflushed output per connection over this closes it
	HeaderTimeout  time.Duration // reading a request (phase Reading)
	IdleTimeout    time.Duration // between requests (phase Idle)
	WriteTimeout   time.Duration // output pending (phase Writing)
	DrainTimeout   time.Duration // graceful shutdown deadline
	MaxEvents      int           // events per epoll_wait
	ReadsPerEvent  int           // reads of one connection per turn; the rest waits for the next loop iteration
	LingerTimeout  time.Duration // after CloseAfterWrite + shutdown(SHUT_WR): wait for the peer's FIN
	MemoryMax      int           // server-wide budget for connection buffers (see budget.go)

	// Reject appends what a refused connection is told before its FIN: one
	// over MaxConns, or one whose buffers would exceed MemoryMax. The
	// protocol supplies it (HTTP: a 503 with Connection: close); nil closes
	// with no word. A connection refused over MaxConns is never handed to
	// the Handler. Called on the reactor goroutine.
	Reject func(dst []byte, now time.Time) []byte
	// RefusedMax bounds the refused connections that linger at once, so
	// the refusal reaches the peer instead of an RST; beyond it a refusal
	// is written and the socket closed at once.
	RefusedMax int

	// NoDelay sets TCP_NODELAY on accepted sockets (one setsockopt each).
	// False leaves the kernel default: Nagle on.
	NoDelay bool

	// Buffers supplies read buffers. nil means HeapBuffers: a fresh buffer
	// for every request, as a first version does.
	Buffers BufferPool

	// Syscalls is how the calls that cannot block reach the kernel (see
	// syscalls.go); Wait is how the loop waits for events (see wait.go).
	Syscalls Syscalls
	Wait     Wait

	// Engine is how the loop learns of and does its I/O: epoll readiness
	// and read/write calls (the default), or io_uring completions (see
	// uring.go). The rest of the core is the same for both.
	Engine Engine
	// RingEntries, RecvBuffers and RecvBufferSize size the io_uring
	// engine: its submission queue, and the receive buffers it provides
	// the kernel (charged to MemoryMax for as long as the reactor serves).
	RingEntries    int
	RecvBuffers    int
	RecvBufferSize int
	// Send is how the io_uring engine sends a response (see uring.go).
	Send Send

	// Listener is how connections reach the reactor: its own listener
	// (the default), one of several sharing the port with SO_REUSEPORT, or
	// none, when a Group's acceptor hands them over (Adopt).
	Listener Listener
	// HandoffMax bounds the connections handed over (Adopt) and not yet
	// taken in by the loop; past it Adopt refuses.
	HandoffMax int
	// TrackLatency keeps the turn-latency estimate that the least-latency
	// balance reads (see LatencyEstimate): one more clock read per loop turn.
	TrackLatency bool

	Logger *slog.Logger // nil: slog.Default(); never used on the hot path
}

// BufferPool is the read-buffer strategy. The core calls Get when a
// connection needs a buffer to read into and Put when the buffer holds no
// unconsumed bytes (after every complete request, and on close).
type BufferPool interface {
	Get(size int) []byte // len(b) == size or more
	Put(b []byte)
}

// Handler is a protocol. All calls happen on the reactor goroutine, in order,
// for one connection at a time.
type Handler interface {
	// Open is called once after accept, before any Data.
	Open(c *Conn)
	// Data hands the unconsumed input. The handler returns how many bytes it
	// consumed; the rest is handed again, followed by new bytes, on the next
	// call. in is only valid during the call.
	Data(c *Conn, in []byte) (consumed int)
	// Close is called once when the connection is gone, for any reason.
	Close(c *Conn)
}

// Phase selects which timeout guards a connection.
type Phase uint8

const (
	PhaseReading Phase = iota // HeaderTimeout: a request has started or the connection is new
	PhaseIdle                 // IdleTimeout: between requests
	PhaseWriting              // WriteTimeout: set by the core while output is pending
)

// SyscallKind names every syscall the core counts.
type SyscallKind uint8

const (
	SysRead SyscallKind = iota
	SysWrite
	SysAccept
	SysClose
	SysEpollWait
	SysEpollCtl
	SysSetsockopt
	SysShutdown
	SysUringEnter
	NumSyscallKinds
)

// Stats is a snapshot of the counters. It is safe to take from any goroutine.
type Stats struct {
	ConnectionsAccepted uint64
	ConnectionsActive   uint64
	ConnectionsRejected uint64 // refused: over MaxConns, while draining, or a read buffer over MemoryMax
	MemoryRejected      uint64 // ended by the budget: refused for a read buffer, or closed mid-response for output
	MemoryHeld          uint64 // bytes of connection buffers held now
	MemoryPeak          uint64 // the most held at once
	BytesReceived       uint64
	BytesSent           uint64
	StaleEvents         uint64 // events for an fd whose generation moved on
	Timeouts            uint64 // connections closed by a timer
	Syscalls            [NumSyscallKinds]uint64
	UringSQEs           uint64 // io_uring requests submitted (0 under epoll)
	UringCQEs           uint64 // io_uring completions handled
}
