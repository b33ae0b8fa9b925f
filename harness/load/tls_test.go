package load

import (
	"bufio"
	"crypto/tls"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latencylab/harness/loadmode"
)

// tlsServer is Go's net/http over TLS (HTTP/1.1 only) with the test
// certificate httptest makes, and that certificate as a CA file.
type tlsServer struct {
	*httptest.Server
	caFile string
}

func startTLS(t *testing.T, h http.Handler) *tlsServer {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = false
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failing handshakes are the tests' point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &tlsServer{Server: srv, caFile: writeCA(t, srv)}
}

// writeCA writes srv's certificate as a CA file.
func writeCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return ca
}

var helloHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "Hello, World!") })

// quickTLS is quick against s, trusting its certificate. httptest's
// certificate names example.com and 127.0.0.1.
func quickTLS(s *tlsServer) Config {
	cfg := quick(s.URL + "/")
	cfg.TLS.CAFile = s.caFile
	return cfg
}

func TestTLSKeepAlive(t *testing.T) {
	s := startTLS(t, helloHandler)
	for _, v := range []struct {
		max  uint16
		name string
	}{{0, "TLS 1.3"}, {TLS12, "TLS 1.2"}} {
		t.Run(v.name, func(t *testing.T) {
			cfg := quickTLS(s)
			cfg.TLS.MaxVersion = v.max
			sum := mustRun(t, cfg).Summary
			assertNoErrors(t, sum.Errors)
			got := sum.TLS
			if got == nil || got.Version != v.name || got.ALPN != "http/1.1" || got.CipherSuite == "" || !got.Verified {
				t.Fatalf("tls %+v: want %s, ALPN http/1.1, a suite, verified", got, v.name)
			}
			if sum.Requests < 100 || sum.Protocol != "http/1.1" {
				t.Fatalf("requests %d protocol %q", sum.Requests, sum.Protocol)
			}
			// quick has no warm-up: both connections handshake in the window.
			if got.HandshakesFull+got.HandshakesResumed != 2 || got.Handshake.Count != 2 || sum.Connect == nil {
				t.Fatalf("handshakes %+v, connect %+v: want the two connections' set-up", got, sum.Connect)
			}
		})
	}
}

// In close mode every request is a new connection and a new handshake:
// with tickets most of them resume, without none does.
func TestTLSResumption(t *testing.T) {
	s := startTLS(t, helloHandler)
	for _, resume := range []bool{true, false} {
		cfg := quickTLS(s)
		cfg.Mode = loadmode.Mode{Kind: loadmode.Close}
		cfg.TLS.NoResume = !resume
		sum := mustRun(t, cfg).Summary
		assertNoErrors(t, sum.Errors)
		full, resumed := sum.TLS.HandshakesFull, sum.TLS.HandshakesResumed
		t.Logf("resume %v: %d requests, %d full and %d resumed handshakes, handshake p50 %v",
			resume, sum.Requests, full, resumed, time.Duration(sum.TLS.Handshake.P50))
		switch {
		case sum.Requests < 10 || full+resumed < sum.Requests:
			t.Fatalf("resume %v: %d handshakes for %d requests: want one each", resume, full+resumed, sum.Requests)
		case resume && resumed < full:
			t.Fatalf("resume on: %d resumed, %d full: want most resumed", resumed, full)
		case !resume && resumed != 0:
			t.Fatalf("resume off: %d resumed", resumed)
		}
	}
}

// tlsFailure runs cfg expecting nothing measured and the tls error class
// with a message containing want.
func tlsFailure(t *testing.T, cfg Config, want string) {
	t.Helper()
	start := time.Now()
	sum := runExpectNothing(t, cfg).Summary
	if el := time.Since(start); el > cfg.Duration+cfg.Warmup+cfg.Timeout+time.Second {
		t.Errorf("run took %v", el)
	}
	if sum.Errors["tls"] == 0 || !strings.Contains(sum.ErrorMessages["tls"], want) {
		t.Fatalf("errors %v, messages %v: want the tls class saying %q", sum.Errors, sum.ErrorMessages, want)
	}
}

func TestTLSBadCertificates(t *testing.T) {
	s := startTLS(t, helloHandler)
	t.Run("unknown authority", func(t *testing.T) {
		cfg := quickTLS(s)
		cfg.TLS.CAFile = ""
		tlsFailure(t, cfg, "certificate signed by unknown authority")
	})
	t.Run("hostname mismatch", func(t *testing.T) {
		cfg := quickTLS(s)
		cfg.TLS.ServerName = "wrong.example"
		tlsFailure(t, cfg, "not wrong.example")
	})
	t.Run("insecure skips verification", func(t *testing.T) {
		cfg := quickTLS(s)
		cfg.TLS.CAFile, cfg.TLS.ServerName, cfg.TLS.Insecure = "", "wrong.example", true
		sum := mustRun(t, cfg).Summary
		if sum.TLS.Verified || sum.Requests == 0 {
			t.Fatalf("tls %+v, %d requests", sum.TLS, sum.Requests)
		}
	})
}

// A server that reads the ClientHello and resets: a tls error naming the
// reset, and nothing hangs.
func TestTLSResetDuringHandshake(t *testing.T) {
	s := startRaw(t, func(c net.Conn, r *bufio.Reader) {
		r.ReadByte() // the ClientHello has arrived
		c.(*net.TCPConn).SetLinger(0)
	})
	cfg := quick("https://" + s.ln.Addr().String() + "/")
	cfg.TLS.Insecure = true
	tlsFailure(t, cfg, "reset")
}

// A server that accepts and never answers the ClientHello: the handshake
// gives up at --timeout.
func TestTLSSilentServer(t *testing.T) {
	s := startRaw(t, func(c net.Conn, r *bufio.Reader) { io.Copy(io.Discard, r) })
	cfg := quick("https://" + s.ln.Addr().String() + "/")
	cfg.TLS.Insecure = true
	cfg.Timeout = 200 * time.Millisecond
	tlsFailure(t, cfg, "timeout")
}

func TestTLSOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		url  string
		opt  TLSOptions
		want string
	}{
		{"http://127.0.0.1:1/", TLSOptions{Insecure: true}, "need https://"},
		{"https://127.0.0.1:1/", TLSOptions{CertFile: "c.pem"}, "both --cert and --key"},
		{"https://127.0.0.1:1/", TLSOptions{Insecure: true, CAFile: "ca.pem"}, "contradict"},
		{"https://127.0.0.1:1/", TLSOptions{MaxVersion: tls.VersionTLS11}, "want 1.2 or 1.3"},
	} {
		cfg := quick(c.url)
		cfg.TLS = c.opt
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: %v, want %q", c.url, c.opt, err, c.want)
		}
	}
	cfg := quick("https://127.0.0.1:1/")
	cfg.TLS.CAFile = filepath.Join(t.TempDir(), "empty.pem")
	os.WriteFile(cfg.TLS.CAFile, []byte("not pem"), 0o600)
	if _, err := Run(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a CA file without a certificate: %v", err)
	}
}

// Keep-alive requests over TLS allocate nothing of the generator's in
// steady state. crypto/tls itself allocates one 16-byte object each time
// it reads a record into an empty buffer (readFromUntil's atLeastReader
// escapes), which no caller can avoid; with one response per read that is
// one per request on each side (the test server's too). Those are counted
// apart, by stack, and bounded; everything else (generator, an
// otherwise allocation-free TLS server) stays far below one per request,
// beside a fixed allowance for the two connections' handshakes (about 800
// allocations each, both sides) and the run's set-up.
func TestNoAllocationPerTLSRequest(t *testing.T) {
	profileEveryAllocation(t)
	s := startTLS(t, helloHandler) // for its certificate
	ln, err := tls.Listen("tcp", "127.0.0.1:0", s.TLS)
	if err != nil {
		t.Fatal(err)
	}
	raw := &rawServer{ln: ln, conns: map[net.Conn]bool{}}
	raw.serve(echoResponses)
	t.Cleanup(raw.close)
	cfg := quickTLS(s)
	cfg.URL = "https://" + ln.Addr().String() + "/"
	cfg.Duration = time.Second
	tlsBefore := allocsBy("crypto/tls.(*Conn).readFromUntil")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := mustRun(t, cfg)
	runtime.ReadMemStats(&after)
	tlsReads := allocsBy("crypto/tls.(*Conn).readFromUntil") - tlsBefore
	reqs := res.Summary.Requests + res.Summary.WarmupReqs
	other := int64(after.Mallocs-before.Mallocs) - tlsReads
	t.Logf("%d requests: %d allocations by crypto/tls's record reads (both sides), %d others",
		reqs, tlsReads, other)
	const setUp = 4000
	if reqs < 1000 || float64(other-setUp)/float64(reqs) > 0.01 || float64(tlsReads)/float64(reqs) > 2.05 {
		t.Errorf("per request: %.3f allocations besides crypto/tls's record reads and %d for set-up (want < 0.01), %.3f by them (want <= 2, one a side)",
			float64(other-setUp)/float64(reqs), setUp, float64(tlsReads)/float64(reqs))
	}
}

// profileEveryAllocation readies a test that counts allocations by stack:
// it skips under -race (which allocates, and makes sync.Pool drop items;
// make test's norace pass runs it) and profiles every allocation until
// the test ends.
func profileEveryAllocation(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race; make test's norace pass runs this")
	}
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	t.Cleanup(func() { runtime.MemProfileRate = rate })
}

// allocsBy is the objects allocated so far whose allocating function (the
// first frame outside the runtime) is fn. It needs MemProfileRate 1.
func allocsBy(fn string) int64 {
	return allocsWhere(func(frames []string) bool {
		for _, f := range frames {
			if !strings.HasPrefix(f, "runtime.") {
				return f == fn
			}
		}
		return false
	})
}

// allocsUnder is the objects allocated so far with a frame whose function
// starts with prefix on their stack. It needs MemProfileRate 1.
func allocsUnder(prefix string) int64 {
	return allocsWhere(func(frames []string) bool {
		return slices.ContainsFunc(frames, func(f string) bool { return strings.HasPrefix(f, prefix) })
	})
}

// allocsWhere sums the memory profile's allocations whose stack (function
// names, leaf first) satisfies match.
func allocsWhere(match func(frames []string) bool) int64 {
	runtime.GC() // the profile is as of the last completed cycle
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+100)
	n, _ = runtime.MemProfile(recs, true)
	var total int64
	for _, r := range recs[:n] {
		var names []string
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			names = append(names, f.Function)
			if !more {
				break
			}
		}
		if match(names) {
			total += r.AllocObjects
		}
	}
	return total
}

// Responses larger than a record and than a socket read, pipelined: the
// records the socket cuts are finished on later reads.
func TestTLSLargePipelinedResponses(t *testing.T) {
	body := strings.Repeat("x", 100_000)
	s := startTLS(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }))
	cfg := quickTLS(s)
	cfg.Mode = loadmode.Mode{Kind: loadmode.Pipeline, Depth: 4}
	sum := mustRun(t, cfg).Summary
	assertNoErrors(t, sum.Errors)
	if sum.Requests < 20 {
		t.Fatalf("%d requests", sum.Requests)
	}
}

// The freeze test over TLS: a 1 s stall shows in the corrected latency,
// not in the service time.
func TestTLSFreezeShowsInCorrectedLatency(t *testing.T) {
	var frozenUntil atomic.Int64
	s := startTLS(t, freezer(&frozenUntil))
	cfg := DefaultConfig(s.URL + "/")
	cfg.TLS.CAFile = s.caFile
	freezeCase(t, cfg, &frozenUntil)
}
