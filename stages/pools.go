package stages

import (
	"latencylab/stages/core"
	"latencylab/stages/httpd"
)

// pools takes read buffers, sessions, requests, responses and the response
// buffer from free lists and resets them instead of freeing them (seed 004,
// "Pools de memória"). In steady state no request allocates.
func pools() Stage {
	s := keepalive()
	s.Base, s.Name = s.Name, "pools"
	s.Summary = "keepalive + pooled buffers and request/response objects, reset not freed: no allocation per request"
	s.Core.Buffers = pooledBuffers
	s.HTTP.Objects = httpd.NewPooledObjects
	s.HTTP.Encoder = httpd.NewPooledEncoder
	s.ZeroAlloc = true
	return s
}

// pooledBuffers keeps up to keptMax idle buffers (an eighth of the memory
// budget: 2,048 of 16 KiB by default), enough for the connections that
// read at once.
func pooledBuffers(size, keptMax int) core.BufferPool {
	return core.NewPooledBuffers(size, keptMax)
}
