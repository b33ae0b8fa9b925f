package reports

import (
	"context"
	"time"

	"latencylab/harness/load"
	"latencylab/harness/loadmode"
)

// measure runs the lab's own load generator (closed loop, keep-alive
// connections; a server answering Connection: close makes it reconnect)
// against a fixture server; hlogPath "" writes no interval log.
func measure(ctx context.Context, url string, conns int, warmup, d time.Duration, hlogPath string) (*load.Result, error) {
	return load.Run(ctx, load.Config{
		URL: url + "/plaintext", Conns: conns, Duration: d, Warmup: warmup, Timeout: 5 * time.Second,
		Mode: loadmode.Mode{Kind: loadmode.KeepAlive}, HlogPath: hlogPath,
	})
}
