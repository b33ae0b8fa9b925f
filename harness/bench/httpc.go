package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"latencylab/harness/rundir"
)

// maxControlBody bounds what the bench reads from /stats or a control reply.
const maxControlBody = 1 << 20

// newHTTPClient makes the client for /stats and the control endpoint. No
// keep-alive: an idle connection held by the bench would show up in the
// server's active-connection count and, for the naive stage, is closed
// after every response anyway.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	}
}

// getStats reads a server's /stats document.
func getStats(ctx context.Context, c *http.Client, url string) (*rundir.Stats, error) {
	body, err := call(ctx, c, http.MethodGet, url)
	if err != nil {
		return nil, err
	}
	var s rundir.Stats
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("GET %s: parse: %w", url, err)
	}
	return &s, nil
}

// call sends one request and returns the body of a 2xx answer.
func call(ctx context.Context, c *http.Client, method, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxControlBody))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read: %w", method, url, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, body)
	}
	return body, nil
}
