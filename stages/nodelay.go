package stages

// nodelay sets TCP_NODELAY on accepted sockets. Seed 004 did the opposite,
// enabling Nagle in the belief that it "groups I/O calls to reduce syscalls".
// Nagle coalesces small segments in the kernel; it saves no syscall. With a
// response written in one write it changes little; with a response split over
// two writes (lab serve --split-write --nagle on) the second segment waits for
// the client's delayed ACK, about 40 ms on Linux. The bench measures both.
func nodelay() Stage {
	s := naive()
	s.Base, s.Name = s.Name, "nodelay"
	s.Summary = "naive + TCP_NODELAY on accepted sockets (Nagle off)"
	s.Core.NoDelay = true
	return s
}
