package stages

import "latencylab/stages/core"

// uring replaces epoll readiness with io_uring completions, on the same
// core: a multishot accept, one multishot receive per connection into
// buffers the reactor provides, responses as send requests, and one
// io_uring_enter per loop turn that submits them and collects what
// completed. Under load a turn serves many connections, so the server
// makes far fewer than one syscall per request. The enter that may sleep
// stays a runtime syscall, as epoll_wait does.
func uring() Stage {
	s := rawsyscall()
	s.Base, s.Name = s.Name, "uring"
	s.Summary = "rawsyscall on io_uring: multishot accept and receive, sends as requests, one enter per turn"
	s.Core.Engine = core.EngineUring
	return s
}
