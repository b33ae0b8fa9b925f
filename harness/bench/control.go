package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"latencylab/harness/rundir"
	"latencylab/internal/control"
	"latencylab/profiles"
)

// controlClient calls the control endpoints of the lab serve processes
// this bench started. Each bench run makes one token and hands it to
// those children alone through control.TokenEnv (CONTRACTS.md §7).
type controlClient struct {
	token string
}

func newControlClient() (*controlClient, error) {
	token, err := control.NewToken()
	if err != nil {
		return nil, err
	}
	return &controlClient{token: token}, nil
}

// env is what a lab serve child needs in its environment.
func (cc *controlClient) env() string { return control.TokenEnv + "=" + cc.token }

func (cc *controlClient) startProfile(ctx context.Context, hc *http.Client, addr string) error {
	resp, err := cc.send(ctx, hc, http.MethodPost, addr, "/profile/start")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// profileStopTimeout bounds POST /profile/stop, the archive's transfer
// included: a busy server's execution trace runs to tens of MiB, and the
// client's timeout (for small requests) would cut it short.
const profileStopTimeout = 2 * time.Minute

// stopProfile ends the window and writes its files into dir, which the
// bench owns; it returns their names.
func (cc *controlClient) stopProfile(ctx context.Context, hc *http.Client, addr, dir string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, profileStopTimeout)
	defer cancel()
	long := *hc
	long.Timeout = 0 // the context bounds it
	resp, err := cc.send(ctx, &long, http.MethodPost, addr, "/profile/stop")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	names, err := profiles.ExtractArchive(resp.Body, dir, profiles.MaxArchiveBytes)
	if err != nil {
		return names, fmt.Errorf("POST %s/profile/stop: %w", addr, err)
	}
	return names, nil
}

func (cc *controlClient) readRuntime(ctx context.Context, hc *http.Client, addr string) (rundir.RuntimeRead, error) {
	var rr rundir.RuntimeRead
	resp, err := cc.send(ctx, hc, http.MethodGet, addr, "/runtime")
	if err != nil {
		return rr, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxControlBody)).Decode(&rr); err != nil {
		return rr, fmt.Errorf("GET %s/runtime: %w", addr, err)
	}
	return rr, nil
}

// send makes one authorized request and returns a 2xx answer, whose body
// the caller closes.
func (cc *controlClient) send(ctx context.Context, hc *http.Client, method, addr, path string) (*http.Response, error) {
	url := "http://" + addr + path
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	control.Authorize(req, cc.token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxControlBody))
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, body)
	}
	return resp, nil
}
