package reference

import "time"

// Limits shared by both servers. They match the core's defaults
// (stages/core) so that no server gets a laxer slowloris guard than the
// stages; they never fire under the bench's load.
const (
	headerTimeout = 10 * time.Second // time to read one request's header
	idleTimeout   = 60 * time.Second // keep-alive: time between requests
	maxHeaderSize = 8 << 10          // header block limit, as CONTRACTS.md §5
)
