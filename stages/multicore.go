package stages

import "latencylab/stages/core"

// multicore runs the best single-reactor stage as a group of reactors, one
// per CPU the server is given (lab serve --cpu, or GOMAXPROCS), each with
// its own thread, epoll instance, connections, timers, buffers and
// counters (seed 000, phase 3). By default every reactor has its own
// listener on the port (SO_REUSEPORT) and the kernel spreads connections,
// as nginx does; --balance picks one of the seed's strategies instead, with
// one acceptor handing connections over.
func multicore() Stage {
	s := rawsyscall()
	s.Base, s.Name = s.Name, "multicore"
	s.Summary = "rawsyscall on N reactors, one per server CPU (--reactors, --balance; default reuseport)"
	s.Core.PerCPU = true
	s.Core.Balance = core.BalanceReusePort
	return s
}
