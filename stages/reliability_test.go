package stages

import (
	"bufio"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"latencylab/stages/core"
)

// A graceful shutdown under load loses no in-flight request: every response
// the server counts as written reaches its client whole, no client sees a
// truncated response, and Serve returns within the drain deadline. For one
// reactor, and for a group under the kernel's spreading and a hand-off.
func TestShutdownUnderLoadLosesNothing(t *testing.T) {
	mc, _ := Lookup("multicore")
	for _, c := range []struct {
		name string
		st   Stage
		opts []serverOption
	}{
		{"one reactor", defaultStage(), nil},
		{"one reactor on io_uring", uring(), nil},
		{"multicore reuseport", mc, nil},
		{"multicore least-conn", mc, []serverOption{withBalance(core.BalanceLeastConn)}},
	} {
		t.Run(c.name, func(t *testing.T) { shutdownUnderLoad(t, c.st, c.opts...) })
	}
}

func shutdownUnderLoad(t *testing.T, st Stage, opts ...serverOption) {
	ts := startStage(t, st, opts...)
	const clients = 8
	var answered atomic.Uint64
	var wg sync.WaitGroup
	stopAt := time.Now().Add(5 * time.Second) // bound: the loop ends by itself
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answered.Add(hammer(t, ts.Addr(), stopAt))
		}()
	}
	time.Sleep(300 * time.Millisecond) // let load build up before draining
	start := time.Now()
	ts.Shutdown()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("Serve after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return within the drain deadline")
	}
	t.Logf("drained in %v", time.Since(start))
	wg.Wait()
	ts.done <- nil // let the cleanup's stop see a finished server
	written := ts.Stats().RequestsTotal
	if got := answered.Load(); got != written {
		t.Fatalf("server wrote %d responses, clients received %d whole", written, got)
	}
	if written == 0 {
		t.Fatal("no request was served before the shutdown")
	}
}

// hammer sends keep-alive requests until the server closes the connection
// or stopAt; it returns how many whole responses it received. A response
// cut short fails the test.
func hammer(t *testing.T, addr string, stopAt time.Time) uint64 {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(stopAt.Add(ioTimeout))
	br := bufio.NewReader(c)
	var n uint64
	for time.Now().Before(stopAt) {
		if _, err := c.Write([]byte("GET /plaintext HTTP/1.1\r\n" + host + "\r\n")); err != nil {
			return n
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			if _, peekErr := br.Peek(1); br.Buffered() > 0 || (peekErr != nil && peekErr != io.EOF && !isReset(peekErr)) {
				t.Errorf("response cut short: %v", err)
			}
			return n
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil || string(body) != "Hello, World!" {
			t.Errorf("body cut short: %q %v", body, err)
			return n
		}
		n++
		if resp.Close {
			return n
		}
	}
	return n
}

// A slowloris client is closed at the header timeout while other clients
// keep being served.
func TestSlowlorisClosedAtHeaderTimeout(t *testing.T) {
	hardenedStages(t, slowlorisClosedAtHeaderTimeout)
}

func slowlorisClosedAtHeaderTimeout(t *testing.T, st Stage) {
	const headerTimeout = 400 * time.Millisecond
	ts := startStage(t, st, withCore(func(c *core.Config) { c.HeaderTimeout = headerTimeout }))
	slow := dial(t, ts.Addr())
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		req := "GET /plaintext HTTP/1.1\r\nHost: lab\r\nX-Slow: " // never finished
		for i := 0; ; i++ {
			if _, err := slow.Write([]byte{req[i%len(req)]}); err != nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
			if time.Since(start) > 4*time.Second {
				break
			}
		}
		closed <- time.Since(start)
	}()
	fast := dial(t, ts.Addr())
	br := bufio.NewReader(fast)
	for i := 0; i < 20; i++ {
		get(t, fast, br)
		time.Sleep(10 * time.Millisecond)
	}
	got := <-closed
	if got > 3*time.Second {
		t.Fatalf("slowloris connection still open after %v (header timeout %v)", got, headerTimeout)
	}
	if got < headerTimeout {
		t.Fatalf("slowloris connection closed after %v, before the header timeout %v", got, headerTimeout)
	}
}

// Bad input never crashes the server or leaks a connection: a barrage of
// random and truncated requests leaves no connection behind, and the server
// still answers.
func TestGarbageLeaksNothing(t *testing.T) {
	for _, st := range []Stage{naive(), stackbuf()} {
		t.Run(st.Name, func(t *testing.T) {
			ts := startStage(t, st, withCore(func(c *core.Config) { c.HeaderTimeout = 500 * time.Millisecond }))
			rng := rand.New(rand.NewPCG(1, 2))
			valid := "POST /x HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
			for i := 0; i < 300; i++ {
				c, err := net.Dial("tcp", ts.Addr())
				if err != nil {
					t.Fatalf("dial %d: %v", i, err)
				}
				msg := []byte(valid[:rng.IntN(len(valid))])
				for j := 0; j < 3 && len(msg) > 0; j++ {
					msg[rng.IntN(len(msg))] = byte(rng.IntN(256))
				}
				_, _ = c.Write(msg)
				if i%2 == 0 {
					_ = c.(*net.TCPConn).CloseWrite()
				}
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				_, _ = io.Copy(io.Discard, c)
				c.Close()
			}
			waitFor(t, 3*time.Second, func() bool { return ts.Stats().ConnectionsActive == 0 },
				"connections still active after the barrage")
			c := dial(t, ts.Addr())
			get(t, c, bufio.NewReader(c))
		})
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Expect: 100-continue gets the interim response before the body is sent.
func TestExpectContinueBeforeBody(t *testing.T) {
	for _, st := range Ladder() {
		t.Run(st.Name, func(t *testing.T) {
			ts := startStage(t, st, withEcho())
			c := dial(t, ts.Addr())
			br := bufio.NewReader(c)
			_, _ = c.Write([]byte("POST /x HTTP/1.1\r\nHost: lab\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"))
			line, err := br.ReadString('\n')
			if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
				t.Fatalf("before the body: %q %v", line, err)
			}
			if blank, _ := br.ReadString('\n'); blank != "\r\n" {
				t.Fatalf("100 Continue not terminated: %q", blank)
			}
			_, _ = c.Write([]byte("hi"))
			resp := readResponses(t, br, "POST")[0]
			if resp.StatusCode != 200 {
				t.Fatalf("after the body: %d", resp.StatusCode)
			}
		})
	}
}
