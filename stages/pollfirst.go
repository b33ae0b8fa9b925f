package stages

import "latencylab/stages/core"

// pollfirst polls epoll with a zero timeout, a raw call, before blocking:
// the blocking epoll_wait, the one call left in the runtime's syscall
// path, runs only when nothing at all is ready.
func pollfirst() Stage {
	s := rawsyscall()
	s.Name = "pollfirst"
	s.Summary = "rawsyscall + a zero-timeout epoll_wait first; the blocking wait only when nothing is ready"
	s.Core.Wait = core.WaitPollFirst
	return s
}
