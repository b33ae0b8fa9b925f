package reports

import (
	"encoding/json"
	"net"
	"net/http"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"latencylab/harness/rundir"
)

// fixtureServer is a real HTTP server on loopback that counts what it
// does, the way a lab stage does: requests, and I/O calls on its sockets
// by kind (each Read/Write/Accept/Close is at least one syscall).
type fixtureServer struct {
	name, kind string
	url        string
	started    time.Time
	requests   atomic.Uint64
	calls      map[string]*atomic.Uint64
	bytesIn    atomic.Uint64
	bytesOut   atomic.Uint64
}

// startFixtureServer serves GET /plaintext and /stats. closeConns makes
// it answer every request with Connection: close, like the naive stage.
func startFixtureServer(name, kind string, closeConns bool) (*fixtureServer, func(), error) {
	fs := &fixtureServer{name: name, kind: kind, started: time.Now(), calls: map[string]*atomic.Uint64{}}
	for _, k := range []string{"accept", "read", "write", "close"} {
		fs.calls[k] = new(atomic.Uint64)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", func(w http.ResponseWriter, _ *http.Request) {
		fs.requests.Add(1)
		if closeConns {
			w.Header().Set("Connection", "close")
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(fs.stats())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(&countingListener{Listener: ln, fs: fs})
	fs.url = "http://" + ln.Addr().String()
	return fs, func() { srv.Close() }, nil
}

// stats is the server's /stats, from its counters and runtime/metrics.
func (fs *fixtureServer) stats() rundir.Stats {
	sm := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sm)
	sys := map[string]uint64{}
	for k, v := range fs.calls {
		sys[k] = v.Load()
	}
	n := fs.requests.Load()
	return rundir.Stats{
		Stage: fs.name, UptimeMS: time.Since(fs.started).Milliseconds(),
		RequestsTotal: n, RequestsOK: n,
		BytesReceived: fs.bytesIn.Load(), BytesSent: fs.bytesOut.Load(),
		ConnectionsAccepted: fs.calls["accept"].Load(),
		HeapAllocs:          sm[0].Value.Uint64(), GCCycles: sm[1].Value.Uint64(),
		Syscalls: sys,
	}
}

type countingListener struct {
	net.Listener
	fs *fixtureServer
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	l.fs.calls["accept"].Add(1)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, fs: l.fs}, nil
}

type countingConn struct {
	net.Conn
	fs *fixtureServer
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.fs.calls["read"].Add(1)
	c.fs.bytesIn.Add(uint64(n))
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.fs.calls["write"].Add(1)
	c.fs.bytesOut.Add(uint64(n))
	return n, err
}

func (c *countingConn) Close() error {
	c.fs.calls["close"].Add(1)
	return c.Conn.Close()
}
