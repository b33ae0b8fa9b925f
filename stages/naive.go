package stages

import "latencylab/stages/httpd"

// naive is what a first version does (seed 004 parts 1–4, seed 000 phase 1):
// answer one request per connection and close it; allocate a read buffer, a
// request and a response, each with a header map, and fmt the response text
// into a new buffer, all per request; leave the socket at kernel defaults
// (Nagle on) and listen with the seed's backlog of 128.
func naive() Stage {
	return Stage{
		Name:    "naive",
		Summary: "first version: one request per connection, everything heap-allocated per request, fmt, Nagle on, backlog 128",
		Core: CoreStrategies{
			NoDelay: false,
			Backlog: 128,
			Buffers: heapBuffers,
		},
		HTTP: httpd.Strategies{
			KeepAlive: false,
			Objects:   httpd.NewHeapObjects,
			Encoder:   httpd.NewFormatEncoder,
		},
	}
}
