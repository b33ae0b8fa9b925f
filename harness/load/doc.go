// Package load is an open-loop, coordinated-omission-correct HTTP load
// generator. It knows nothing about the lab's stages: point it at any
// server, over HTTP/1.1 or HTTP/2 (h2c, or h2 over TLS), http:// or
// https://, with one request or a mix of them (targets.go).
//
// TLS and HTTP/2 run on the same event loops: see secure.go (a tls.Conn
// over the loop's buffers, its handshake off the loop) and h2.go (frames
// read whole from the loop's buffers).
//
// # Architecture
//
// Run splits the connections over a few worker threads. Each worker is one
// goroutine locked to its OS thread that runs its own epoll event loop over
// non-blocking sockets with raw syscalls (wrk's design). Nothing is
// allocated per request: the request bytes are built once, the read buffer
// is reused, and the response parser (respparse.go) is an incremental state
// machine that keeps no body bytes. Each worker records into its own
// histograms; they are merged at the end, so memory does not grow with the
// run's length.
//
// # Time and loops
//
// The run is warm-up [0, W) then the measured window [W, E). In closed loop
// (Rate 0) every connection sends its next request as soon as it has room
// (pipeline depth; an HTTP/2 connection whose responses are still arriving
// holds its next requests until they pause for Config.Coalesce, at most
// four times that, to write them together),
// responses completing in [W, E) are measured, and the run stops at E.
// Latency equals service time.
//
// In open loop (Rate > 0) the global rate is split evenly over the
// connections: connection i sends request k at the intended time
// origin + i/Rate + k*Conns/Rate (wrk2's schedule, phase-offset). A
// request is measured when its intended time lies in [W, E).
//
//   - latency  = completion - intended send time (coordinated-omission free)
//   - service  = completion - actual send (close mode: from the connect)
//   - send lag = actual send - intended send time
//
// A connection holding Depth outstanding requests (1 for keepalive and
// close) cannot send; requests whose time comes meanwhile queue behind it
// and go out as soon as it has room, each still measured from its own
// intended time. That wait is exactly the coordinated-omission correction:
// a server stall shows up in latency, not hidden by a generator that waited
// politely. Such waits also show in send lag; the part of send lag the
// generator itself caused (actual send - max(intended, the moment the
// connection had room)) is kept apart as the pacer lag, and only it raises
// the "generator fell behind" warning.
//
// After E the open loop stops scheduling and drains: requests already due
// are still sent and answered, up to E + Timeout. Measured requests still
// unanswered then are recorded as timeouts; due requests that never found a
// connection are counted as unsent and warned about.
//
// # Pacing
//
// A worker blocks in epoll_pwait2 (nanosecond timeout) until shortly before
// the next intended send, then polls epoll without blocking for the rest,
// so responses are still read on time. The early-wake margin adapts to the
// measured wake-up overshoot of the machine (a few µs on bare metal, tens of
// µs in some VMs). See pacer.go.
//
// # Errors and counting
//
// Requests counts responses of every status. Errors are counted by class:
// connect, read, write, timeout, reset, parse, unsent, tls (handshakes),
// stream (HTTP/2 streams the server reset), and status_<code> for every
// response with status >= 400 (those responses are also in Requests and in
// the histograms). A timed-out request is a latency sample >= Timeout, never
// dropped. Other failed requests have no completion and no latency sample.
// Connection-level failures other than timeouts drop only the request at
// the head of the connection; requests pipelined behind it are sent again on
// a new connection, keeping their intended times. A response carrying
// Connection: close (or HTTP/1.0 without keep-alive), or a server closing an
// idle connection, is not an error: the generator reconnects and continues.
//
// A server closing a keep-alive connection just as a request goes out
// (the connection had answered before and the close comes before any byte
// of the next response) is the benign race of RFC 9112 §9.3.1: the
// requests are sent again on a new connection, not counted as errors.
// Reconnects after failures back off (1 ms doubling to 250 ms), so a dead
// server is not hammered; a normal close reconnects at once.
//
// Warm-up requests are excluded from every histogram and count and reported
// as WarmupReqs.
//
// # Summary fields beyond the contract's keys (CONTRACTS.md §3)
//
// Connected counts the connection slots that established at least one
// connection (at most Conns); Extra["connects"] counts every successful
// connect (close mode: one per request). LoadCPU is the process's CPU time
// over the window / (wall × CPUs it may use), pacing and --spin polls
// included (a closed loop that spins shows near 100%).
// Extra["busiest_loop_busy"] is the share of the window the busiest event
// loop spent working rather than waiting; above 90% the generator is the
// bottleneck and a warning says so. Warnings also cover the generator's
// own send lag (pacer lag p99 > 1 ms) and scheduled requests never sent.
package load
