package reference

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"latencylab/stages/app"
)

// TestConnectionCounters opens raw keep-alive connections and checks that
// the connection-state hooks count them, and that closing them is seen.
func TestConnectionCounters(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			base := start(t, name)
			addr := strings.TrimPrefix(base, "http://")
			conns := make([]net.Conn, 3)
			for i := range conns {
				conns[i] = rawGet(t, addr, "/plaintext")
			}
			st := stats(t, base)
			if st.ConnectionsAccepted < 3 || st.ConnectionsActive < 3 {
				t.Errorf("with 3 open connections: accepted %d active %d", st.ConnectionsAccepted, st.ConnectionsActive)
			}
			for _, c := range conns {
				c.Close()
			}
			waitFor(t, func() bool { return stats(t, base).ConnectionsActive <= 1 })
		})
	}
}

// rawGet sends one keep-alive request on a new connection, reads the
// response and leaves the connection open.
func rawGet(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(buf[:n]), "Hello, World!") {
		t.Fatalf("response %q", buf[:n])
	}
	return c
}

func stats(t *testing.T, base string) app.Stats {
	t.Helper()
	_, body := do(t, "GET", base+"/stats")
	var st app.Stats
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("stats JSON: %v", err)
	}
	return st
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
