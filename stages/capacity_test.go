package stages

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"latencylab/stages/core"
)

// A flood past --max-conns: every extra connection gets a 503 with
// Connection: close and Retry-After, then a FIN (never an RST from its
// unread request), and a client connected earlier keeps being served.
func TestFloodPastMaxConnsGets503(t *testing.T) { hardenedStages(t, floodPastMaxConnsGets503) }

func floodPastMaxConnsGets503(t *testing.T, st Stage) {
	const maxConns, flood = 16, 300
	ts := startStage(t, st, withCore(func(c *core.Config) { c.MaxConns = maxConns }))
	early := dial(t, ts.Addr())
	earlyBr := bufio.NewReader(early)
	get(t, early, earlyBr)
	for range maxConns - 1 {
		dial(t, ts.Addr())
	}
	waitFor(t, 3*time.Second, func() bool { return ts.Stats().ConnectionsActive == maxConns }, "the server never filled up")

	var wg sync.WaitGroup
	errs := make(chan error, flood)
	for range flood {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- refusedWith503(ts.Addr())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	get(t, early, earlyBr)
	s := ts.Stats()
	if s.ConnectionsRejected != flood || s.Rejected["503"] != flood {
		t.Fatalf("connections_rejected %d, rejected[503] %d, want %d each", s.ConnectionsRejected, s.Rejected["503"], flood)
	}
	if s.ConnectionsActive != maxConns {
		t.Fatalf("connections_active %d, want %d", s.ConnectionsActive, maxConns)
	}
}

// refusedWith503 connects, sends a request, and expects the refusal and a
// clean close.
func refusedWith503(addr string) error {
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := c.Write([]byte("GET /plaintext HTTP/1.1\r\n" + host + "\r\n")); err != nil {
		return err
	}
	all, err := io.ReadAll(c)
	if err != nil {
		return errors.New("refused connection: " + err.Error() + " (an RST instead of a FIN?) after " + string(all))
	}
	head := string(all)
	for _, want := range []string{"HTTP/1.1 503 ", "\r\nConnection: close\r\n", "\r\nRetry-After: 1\r\n", "\r\nDate: "} {
		if !strings.Contains(head, want) {
			return errors.New("refusal lacks " + want + ": " + head)
		}
	}
	return nil
}

// A client that pipelines requests and never reads its responses: the
// server stops reading from it once output is pending (backpressure), so
// what it accepts and holds stays bounded, and the write timeout closes the
// connection.
func TestPipelinerThatNeverReads(t *testing.T) { hardenedStages(t, pipelinerThatNeverReads) }

func pipelinerThatNeverReads(t *testing.T, st Stage) {
	const writeTimeout = 500 * time.Millisecond
	ts := startStage(t, st, withCore(func(c *core.Config) { c.WriteTimeout = writeTimeout }))
	c := dial(t, ts.Addr())
	base := uint64(st.CoreConfig().RingMemory()) // io_uring's receive buffers are charged while it serves
	req := []byte("GET /plaintext HTTP/1.1\r\n" + host + "\r\n")
	burst := bytes.Repeat(req, 1000)
	const offeredMax = 256 << 20 // bound: the loop ends by itself
	offered := 0
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	for offered < offeredMax {
		n, err := c.Write(burst)
		offered += n
		if err != nil {
			break // the server closed the connection, or our deadline passed
		}
	}
	waitFor(t, 5*time.Second, func() bool { return ts.Stats().ConnectionsActive == 0 },
		"the write timeout never closed the connection")
	s := ts.Stats()
	t.Logf("offered %d bytes; server read %d, wrote %d, held at most %d", offered, s.BytesReceived, s.BytesSent, s.MemoryPeakBytes)
	if s.BytesReceived >= uint64(offered) {
		t.Fatalf("the server read all %d bytes offered: no backpressure", offered)
	}
	if s.MemoryPeakBytes-base > 4<<20 {
		t.Fatalf("the server held %d bytes of buffers for one connection", s.MemoryPeakBytes-base)
	}
	// Under io_uring the buffer of the send the close cancelled stays
	// charged until the kernel reports the cancel, a turn later.
	waitFor(t, 5*time.Second, func() bool { return ts.Stats().MemoryHeldBytes == base },
		"buffers still held after the close")
}

// The memory budget, in process: clients that each announce a large body
// and send all of it but a byte hold their buffers; once the growth share
// of the budget is spent, the next one gets a 503 and a close, the held
// bytes never exceed the budget, and an ordinary client is still served.
func TestMemoryBudgetRefusesGrowth(t *testing.T) { hardenedStages(t, memoryBudgetRefusesGrowth) }

func memoryBudgetRefusesGrowth(t *testing.T, st Stage) {
	const budget = 8 << 20
	const attackers = 24 // each would hold about 1 MiB: three times the budget
	ts := startStage(t, st, withCore(func(c *core.Config) { c.MemoryMax = budget }))
	normal := dial(t, ts.Addr())
	normalBr := bufio.NewReader(normal)

	results := make(chan string, attackers)
	var wg sync.WaitGroup
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- bigBodyAttack(ts.Addr(), 1<<20)
		}()
	}
	wg.Wait()
	close(results)
	refused := 0
	for r := range results {
		if strings.HasPrefix(r, "HTTP/1.1 503 ") {
			refused++
		}
	}
	get(t, normal, normalBr)
	s := ts.Stats()
	t.Logf("%d of %d attackers refused; held at most %d of %d bytes", refused, attackers, s.MemoryPeakBytes, budget)
	if refused == 0 || s.MemoryRejected == 0 {
		t.Fatalf("no attacker was refused (memory_rejected %d)", s.MemoryRejected)
	}
	if s.MemoryPeakBytes > budget {
		t.Fatalf("held %d bytes, over the %d budget", s.MemoryPeakBytes, budget)
	}
}

// bigBodyAttack announces a body of size bytes, sends all but its last
// byte, and returns what the server answered within a short wait (empty
// when it answered nothing: the connection is holding its buffer).
func bigBodyAttack(addr string, size int) string {
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	head := "POST /x HTTP/1.1\r\n" + host + "Content-Length: " + itoa(size) + "\r\n\r\n"
	if _, err := c.Write(append([]byte(head), make([]byte, size-1)...)); err != nil {
		return readAnswer(c) // refused mid-body: the answer may still be there
	}
	return readAnswer(c)
}

func readAnswer(c net.Conn) string {
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}
