package control

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

const testToken = "0123456789abcdef0123456789abcdef"

func TestGuard(t *testing.T) {
	for _, c := range []struct {
		name, host, origin, auth string
		remote                   bool
		want                     int
	}{
		{name: "owner", host: "127.0.0.1:9000", auth: "Bearer " + testToken, want: 200},
		{name: "owner over ::1", host: "[::1]:9000", auth: "Bearer " + testToken, want: 200},
		{name: "owner as localhost", host: "localhost:9000", auth: "Bearer " + testToken, want: 200},
		{name: "owner, host without port", host: "127.0.0.1", auth: "Bearer " + testToken, want: 200},
		{name: "no token", host: "127.0.0.1:9000", want: 401},
		{name: "wrong token", host: "127.0.0.1:9000", auth: "Bearer " + strings.ToUpper(testToken), want: 401},
		{name: "token prefix", host: "127.0.0.1:9000", auth: "Bearer " + testToken[:20], want: 401},
		{name: "basic auth", host: "127.0.0.1:9000", auth: "Basic " + testToken, want: 401},
		{name: "cross-site page", host: "127.0.0.1:9000", origin: "http://evil.example", auth: "Bearer " + testToken, want: 403},
		{name: "null origin", host: "127.0.0.1:9000", origin: "null", want: 403},
		{name: "DNS rebinding", host: "evil.example:9000", auth: "Bearer " + testToken, want: 403},
		{name: "loopback look-alike", host: "127.0.0.1.evil.example:9000", auth: "Bearer " + testToken, want: 403},
		{name: "empty host", host: "", auth: "Bearer " + testToken, want: 403},
		{name: "LAN address", host: "10.1.2.3:9000", auth: "Bearer " + testToken, want: 403},
		{name: "LAN address, remote allowed", host: "10.1.2.3:9000", auth: "Bearer " + testToken, remote: true, want: 200},
		{name: "name, remote allowed", host: "evil.example:9000", auth: "Bearer " + testToken, remote: true, want: 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			reached := false
			h := Guard(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }), testToken, c.remote)
			req := httptest.NewRequest("POST", "/profile/start", nil)
			req.Host = c.host
			if c.origin != "" {
				req.Header.Set("Origin", c.origin)
			}
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d (%s), want %d", rec.Code, rec.Body, c.want)
			}
			if reached != (c.want == 200) {
				t.Fatalf("handler reached: %v, with status %d", reached, rec.Code)
			}
		})
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:80": true, "[::1]:0": true, "localhost:0": true, "LOCALHOST:1": true,
		"0.0.0.0:0": false, ":0": false, "[::]:0": false, "192.168.1.2:80": false, "example.com:80": false, "nonsense": false,
	} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("CheckAddr(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
	if err := CheckAddr("0.0.0.0:0", true); err != nil {
		t.Errorf("allowed remote refused: %v", err)
	}
}

func TestTokenFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(TokenEnv, testToken)
	if tok, file, err := TokenFromEnv(dir); err != nil || tok != testToken || file != "" {
		t.Fatalf("from env: %q %q %v", tok, file, err)
	}
	t.Setenv(TokenEnv, "short")
	if _, _, err := TokenFromEnv(dir); err == nil {
		t.Fatal("a 5-character token was accepted")
	}
	os.Unsetenv(TokenEnv)
	tok, file, err := TokenFromEnv(dir)
	if err != nil || len(tok) != 2*TokenBytes {
		t.Fatalf("generated: %q %v", tok, err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %s: %v %v", file, fi, err)
	}
	if b, _ := os.ReadFile(file); strings.TrimSpace(string(b)) != tok {
		t.Fatalf("file holds %q, token %q", b, tok)
	}
	if tok2, _, _ := TokenFromEnv(dir); tok2 == tok {
		t.Fatal("two generated tokens are equal")
	}
}
