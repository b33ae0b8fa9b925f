// Package bench runs a scenario over every server and writes a run
// directory (CONTRACTS.md §4). It knows servers only through TCP, the /stats
// document and the lab binary's command line (lab stages, lab serve,
// lab load); it never imports the stages.
//
// # A run, in order
//
//  1. Resolve the servers: the ladder as `lab stages` lists it (contract
//     stages it lacks are kept as failed servers), then nethttp and
//     fasthttp (through lab serve) and nginx when its binary is found.
//  2. Start every server once, pinned to the server CPUs, each with its
//     control endpoint; readiness is a TCP connect, and an early exit is a
//     failure whose reason carries the tail of the server's output.
//  3. Derive the rate when the scenario has a rule: closed-loop probes of
//     the rule's server, on a process of its own.
//  4. Read /stats and /proc/<pid>/stat of every server (stats-before).
//  5. Measured rounds: round-robin over the servers, the order rotated by
//     one each round; each trial is one `lab load` pinned to the load CPUs,
//     with its own warm-up, writing round-<k>.json and round-<k>.hlog.
//  6. Read /stats and CPU time again (stats-after): allocations, syscalls
//     and CPU time per request are the deltas over all measured trials.
//  7. Profiling pass, apart from the measured trials: per server, profile
//     start, one load window, profile stop into the server's folder.
//  8. Stop every child (SIGTERM to its process group, SIGKILL after a
//     grace), then write bench.txt and run.json.
//
// Every child runs in its own process group and is stopped on every way
// out, Ctrl-C included. A server that fails is marked failed with its
// reason and the run goes on with the others.
package bench
