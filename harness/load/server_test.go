package load

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer is a loopback TCP server for tests: serve runs once per
// accepted connection. Everything stops at the test's cleanup.
type rawServer struct {
	ln       net.Listener
	accepted atomic.Int64
	mu       sync.Mutex
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
}

func startRaw(t *testing.T, serve func(c net.Conn, r *bufio.Reader)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, conns: map[net.Conn]bool{}}
	s.serve(serve)
	t.Cleanup(s.close)
	return s
}

// serve accepts on s.ln until it closes.
func (s *rawServer) serve(serve func(c net.Conn, r *bufio.Reader)) {
	s.wg.Go(func() {
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns[c] = true
			s.mu.Unlock()
			s.wg.Go(func() {
				defer c.Close()
				serve(c, bufio.NewReader(c))
			})
		}
	})
}

func (s *rawServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *rawServer) url(path string) string { return "http://" + s.ln.Addr().String() + path }

// readRequest reads one request head (and its Content-Length body).
func readRequest(r *bufio.Reader) (method string, err error) {
	cl := 0
	for i := 0; ; i++ {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if i == 0 {
			method, _, _ = strings.Cut(line, " ")
			continue
		}
		if line == "" {
			break
		}
		name, value, _ := strings.Cut(line, ":")
		if strings.EqualFold(name, "content-length") {
			cl, _ = strconv.Atoi(strings.TrimSpace(value))
		}
	}
	_, err = io.CopyN(io.Discard, r, int64(cl))
	return method, err
}

// respondEach answers every request of a connection with resp(seq, method);
// resp returns the bytes to write and whether to close afterwards.
func respondEach(resp func(seq int, method string) (string, bool)) func(net.Conn, *bufio.Reader) {
	return func(c net.Conn, r *bufio.Reader) {
		for seq := 0; ; seq++ {
			method, err := readRequest(r)
			if err != nil {
				return
			}
			out, closeAfter := resp(seq, method)
			if _, err := io.WriteString(c, out); err != nil {
				return
			}
			if closeAfter {
				lingeringClose(c, r)
				return
			}
		}
	}
}

// lingeringClose ends the connection the way servers must when requests
// may still be in flight: FIN first, then drain for a while. Closing with
// unread data would send a reset that can destroy the last response.
func lingeringClose(c net.Conn, r *bufio.Reader) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, r)
}

// fixed answers every request with the same bytes.
func fixed(out string) func(net.Conn, *bufio.Reader) {
	return respondEach(func(int, string) (string, bool) { return out, false })
}

const okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!"

// quick is a short closed-loop config for behaviour tests.
func quick(url string) Config {
	cfg := DefaultConfig(url)
	cfg.Conns, cfg.Threads = 2, 1
	cfg.Duration, cfg.Warmup, cfg.Timeout = 300*time.Millisecond, 0, time.Second
	cfg.Spin = 0 // the tests share two CPUs with their servers and each other
	return cfg
}

// mustRun runs cfg and fails the test on any error.
func mustRun(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// runExpectNothing runs cfg expecting ErrNothingMeasured.
func runExpectNothing(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Run(t.Context(), cfg)
	if !errors.Is(err, ErrNothingMeasured) || res == nil {
		t.Fatalf("Run: result %v, err %v; want ErrNothingMeasured with a result", res != nil, err)
	}
	return res
}
