package load

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latencylab/harness/loadmode"
)

// nginxTLS is a real nginx serving /plaintext with TLS (HTTP/1.1 and h2,
// by ALPN) on one port and h2c on another, with a self-signed
// certificate this test makes. It skips when nginx is not installed.
type nginxTLS struct {
	tlsURL, h2cURL, caFile string
}

func startNginxTLS(t *testing.T) nginxTLS {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx not installed: skipped (.ci/run installs it)")
		}
		bin = "/usr/sbin/nginx"
	}
	v, _ := exec.Command(bin, "-V").CombinedOutput()
	for _, mod := range []string{"http_ssl_module", "http_v2_module"} {
		if !strings.Contains(string(v), mod) {
			t.Skipf("this nginx was built without %s: skipped", mod)
		}
	}
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	tlsPort, h2cPort := freePort(t), freePort(t)
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:%[2]d ssl http2;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate %[4]s;
    ssl_certificate_key %[5]s;
    location /plaintext { return 200 "Hello, World!"; }
  }
  server {
    listen 127.0.0.1:%[3]d http2;
    location /plaintext { return 200 "Hello, World!"; }
  }
}
`, dir, tlsPort, h2cPort, cert, key)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", confPath, "-p", dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for _, port := range []int{tlsPort, h2cPort} {
		waitListening(t, port)
	}
	return nginxTLS{tlsURL: fmt.Sprintf("https://127.0.0.1:%d/plaintext", tlsPort),
		h2cURL: fmt.Sprintf("http://127.0.0.1:%d/plaintext", h2cPort), caFile: cert}
}

// selfSigned writes an ECDSA certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for path, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "EC PRIVATE KEY", Bytes: kder}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nginx did not listen on %d", port)
}

// lab load against a real nginx: HTTPS keep-alive and close (resumed
// handshakes), h2 over TLS and h2c, every response a 200.
func TestNginxTLSAndHTTP2(t *testing.T) {
	n := startNginxTLS(t)
	for name, mod := range map[string]func(*Config){
		"https keepalive": func(*Config) {},
		"https close":     func(c *Config) { c.Mode = loadmode.Mode{Kind: loadmode.Close} },
		"h2":              func(c *Config) { c.HTTP2, c.Streams = true, 8 },
		"h2c":             func(c *Config) { c.URL, c.TLS.CAFile, c.HTTP2, c.Streams = n.h2cURL, "", true, 8 },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := quick(n.tlsURL)
			cfg.TLS.CAFile = n.caFile
			mod(&cfg)
			sum := mustRun(t, cfg).Summary
			assertNoErrors(t, sum.Errors)
			if sum.Requests < 50 || sum.Statuses["200"] != sum.Requests {
				t.Fatalf("%d requests, statuses %v", sum.Requests, sum.Statuses)
			}
			if name == "https close" && sum.TLS.HandshakesResumed == 0 {
				t.Errorf("close mode: tls %+v: want resumed handshakes", sum.TLS)
			}
			if name == "h2" && (sum.Protocol != "h2" || sum.TLS.ALPN != "h2") {
				t.Errorf("protocol %q, ALPN %q", sum.Protocol, sum.TLS.ALPN)
			}
		})
	}
}
