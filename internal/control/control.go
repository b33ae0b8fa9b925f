// Package control holds the access rules of lab serve's control endpoint
// (CONTRACTS.md §7): who may call it, from where, and on which address it
// may listen. lab serve applies them; the bench, its one legitimate
// caller, uses the same token variable and header.
//
// The endpoint starts profilers and reads the runtime's state, so a
// stranger must not reach it: not another local user (the token), not a
// web page in a browser on the same machine (no Origin, and a Host that
// is an address, never a name a DNS rebinding could point at loopback),
// and not another machine (loopback only, unless explicitly allowed).
package control

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

// TokenEnv names the environment variable that carries the token.
const TokenEnv = "LAB_CONTROL_TOKEN"

// Token lengths: a generated token has TokenBytes random bytes (hex, so
// twice as many characters); one given in TokenEnv must have at least
// MinTokenLen characters, so that a placeholder such as "x" is refused
// rather than trusted.
const (
	TokenBytes  = 32
	MinTokenLen = 16
)

// ErrRemote refuses a control address that is not loopback.
var ErrRemote = errors.New("control endpoint: a non-loopback address lets other machines start profilers; " +
	"bind it to 127.0.0.1, [::1] or localhost, or allow it explicitly")

// NewToken returns a fresh random token.
func NewToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("control token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// TokenFromEnv returns the token in TokenEnv. When that is unset it makes
// one and writes it to a new file, readable by its owner alone, in dir
// ("" for the system's temporary directory); file names it, so that the
// caller can log where it is. file is "" when the token came from the
// environment.
func TokenFromEnv(dir string) (token, file string, err error) {
	if v, ok := os.LookupEnv(TokenEnv); ok {
		if len(v) < MinTokenLen {
			return "", "", fmt.Errorf("%s has %d characters: want at least %d", TokenEnv, len(v), MinTokenLen)
		}
		return v, "", nil
	}
	token, err = NewToken()
	if err != nil {
		return "", "", err
	}
	// CreateTemp makes the file with mode 0600 and a name no one can
	// guess or pre-create.
	f, err := os.CreateTemp(dir, "lab-control-token-")
	if err != nil {
		return "", "", fmt.Errorf("control token file: %w", err)
	}
	_, werr := f.WriteString(token + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", "", fmt.Errorf("control token file: %w", err)
	}
	return token, f.Name(), nil
}

// Authorize adds the token to a request to the endpoint.
func Authorize(req *http.Request, token string) {
	req.Header.Set("Authorization", "Bearer "+token)
}

// CheckAddr refuses a listen address HOST:PORT whose host is not
// loopback, unless allowRemote. An empty host means every interface.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("control address %q: %w", addr, err)
	}
	if allowRemote || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("%q: %w", addr, ErrRemote)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Guard wraps the endpoint's handler with its access rules, checked in
// this order before the handler sees the request, so that a refused
// request starts nothing:
//
//   - an Origin header (a browser's cross-site request): 403;
//   - a Host that is not a loopback address or localhost: 403. With
//     allowRemote, any IP literal is accepted too, but still no other
//     name, since a name is what DNS rebinding points at loopback;
//   - no token, or a wrong one (compared in constant time): 401.
func Guard(next http.Handler, token string, allowRemote bool) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Header["Origin"]; ok {
			http.Error(w, "control endpoint: requests from web pages (Origin) are refused", http.StatusForbidden)
			return
		}
		if !hostAllowed(r.Host, allowRemote) {
			http.Error(w, fmt.Sprintf("control endpoint: Host %q is not a loopback address", r.Host), http.StatusForbidden)
			return
		}
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lab control"`)
			http.Error(w, "control endpoint: missing or wrong token (Authorization: Bearer $"+TokenEnv+")", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed checks a Host header: HOST or HOST:PORT.
func hostAllowed(hostport string, allowRemote bool) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if isLoopback(host) {
		return true
	}
	return allowRemote && net.ParseIP(host) != nil
}
