package stages

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"latencylab/stages/app"
	"latencylab/stages/core"
	"latencylab/stages/http1"
	"latencylab/stages/httpd"
)

// ioTimeout bounds every socket operation of a test, so a server bug fails
// the test instead of hanging it.
const ioTimeout = 5 * time.Second

// testServer is a stage served in-process on a loopback port.
type testServer struct {
	*httpd.Server
	cfg  httpd.Config
	done chan error
}

// limits are the HTTP limits the server runs with.
func (ts *testServer) limits() http1.Limits { return ts.cfg.Limits }

// serverOption adjusts a test server's configuration: a core setting
// (an override layered after the stage's) or an HTTP one.
type serverOption struct {
	core func(*core.Config)
	http func(*httpd.Config)
}

func withEcho() serverOption {
	return serverOption{http: func(c *httpd.Config) { c.App = func(app.StatsFunc) app.Handler { return app.Echo{} } }}
}

func withCore(f func(*core.Config)) serverOption { return serverOption{core: f} }

// withBalance sets a per-CPU stage's balance.
func withBalance(b core.Balance) serverOption {
	return serverOption{http: func(c *httpd.Config) { c.Group.Balance = b }}
}

// testReactors is how many reactors a per-CPU stage gets in tests.
const testReactors = 3

// startStage serves st on 127.0.0.1:0 until the test ends.
func startStage(t testing.TB, st Stage, opts ...serverOption) *testServer {
	t.Helper()
	if st.Core.Engine == core.EngineUring {
		skipWithoutUring(t)
	}
	cfg := httpd.Config{Stage: st.Name, Strategies: st.HTTP, Limits: http1.DefaultLimits()}
	var coreOpts []func(*core.Config)
	for _, o := range opts {
		if o.core != nil {
			coreOpts = append(coreOpts, o.core)
		}
	}
	layers := append([]func(*core.Config){func(c *core.Config) {
		c.Addr = "127.0.0.1:0"
		c.DrainTimeout = 2 * time.Second
		c.Logger = slog.New(slog.DiscardHandler)
	}}, coreOpts...)
	cfg.Core = func(int) core.Config { return st.CoreConfig(layers...) }
	if st.Core.PerCPU {
		// More reactors than this machine may have CPUs: the hand-off and
		// the per-reactor state are what the tests exercise.
		cfg.Group = core.GroupConfig{Reactors: testReactors, Balance: st.Core.Balance}
	}
	for _, o := range opts {
		if o.http != nil {
			o.http(&cfg)
		}
	}
	srv, err := httpd.New(cfg)
	if err != nil {
		t.Fatalf("start %s: %v", st.Name, err)
	}
	ts := &testServer{Server: srv, cfg: cfg, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve() }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

// stop shuts the server down and waits for Serve to return.
func (ts *testServer) stop(t testing.TB) {
	ts.Shutdown()
	select {
	case <-ts.done:
	case <-time.After(10 * time.Second):
		t.Errorf("server did not stop within 10s of Shutdown")
		ts.Close()
	}
}

// dial opens a client connection with deadlines.
func dial(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	t.Cleanup(func() { c.Close() })
	return c
}

// readResponses reads n responses (HEAD-aware through methods) from br.
func readResponses(t testing.TB, br *bufio.Reader, methods ...string) []*http.Response {
	t.Helper()
	var out []*http.Response
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("reading response %d (%s): %v", len(out)+1, m, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("reading body of response %d: %v", len(out)+1, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

// closedByPeer reports whether the server closes the connection with no
// further bytes: the next read sees EOF (or a reset).
func closedByPeer(br *bufio.Reader) (bool, []byte) {
	extra, err := io.ReadAll(br)
	if err == nil || errors.Is(err, io.EOF) || isReset(err) {
		return len(extra) == 0, extra
	}
	return false, extra
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

func bodyOf(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// keepAliveStages are the stages that keep connections open: the ones the
// per-request figures and keep-alive clients apply to.
func keepAliveStages() []Stage {
	var out []Stage
	for _, st := range Ladder() {
		if st.HTTP.KeepAlive {
			out = append(out, st)
		}
	}
	return out
}

// skipWithoutUring skips, saying why, where the kernel refuses io_uring.
func skipWithoutUring(t testing.TB) {
	t.Helper()
	if err := core.UringAvailable(); err != nil {
		t.Skipf("skipped: %v", err)
	}
}

// hardenedStages are the stages the hardening and shutdown contracts are
// proved on: the default, on epoll, and uring, on io_uring. Each runs as
// a subtest; uring's skips visibly where io_uring is refused.
func hardenedStages(t *testing.T, f func(t *testing.T, st Stage)) {
	for _, name := range []string{Default, "uring"} {
		st, ok := Lookup(name)
		if !ok {
			t.Fatalf("stage %s is not in the ladder", name)
		}
		t.Run(name, func(t *testing.T) { f(t, st) })
	}
}

// defaultStage is the stage lab serve runs by default.
func defaultStage() Stage {
	st, ok := Lookup(Default)
	if !ok {
		panic("the default stage is not in the ladder")
	}
	return st
}
