package load

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// request is one request of the run, as it goes on the wire: built once.
type request struct {
	wire []byte
	head bool // a HEAD: its response has no body
}

// buildRequests renders the run's requests: the URL's one, or one per
// target of a mix (each with --header's headers added).
func buildRequests(cfg Config, t target) []request {
	if len(cfg.Targets) == 0 {
		return []request{renderRequest(cfg.method(), t, cfg.Headers, cfg.Body, cfg.Mode.Closes())}
	}
	reqs := make([]request, len(cfg.Targets))
	for i, tg := range cfg.Targets {
		u, _ := parseTarget(tg.URL) // checked when the file was read
		headers := append(slices.Clip(cfg.Headers), tg.Headers...)
		reqs[i] = renderRequest(tg.Method, u, headers, tg.Body, cfg.Mode.Closes())
	}
	return reqs
}

// renderRequest renders one request. The generator sets Host (unless a
// header overrides it), Content-Length from the body, and Connection:
// close in close mode.
func renderRequest(method string, t target, headers []string, body []byte, closes bool) request {
	var b strings.Builder
	b.WriteString(method + " " + t.requestURI + " HTTP/1.1\r\n")
	if !hasHeader(headers, "host") {
		b.WriteString("Host: " + t.hostHeader + "\r\n")
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		b.WriteString(strings.TrimSpace(name) + ": " + strings.TrimSpace(value) + "\r\n")
	}
	if closes && !hasHeader(headers, "connection") {
		b.WriteString("Connection: close\r\n")
	}
	if len(body) > 0 || bodyMethod(method) {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return request{wire: []byte(b.String()), head: method == "HEAD"}
}

// bodyMethod is a method whose requests servers expect a length on.
func bodyMethod(m string) bool { return m == "POST" || m == "PUT" || m == "PATCH" }

func hasHeader(headers []string, lowerName string) bool {
	for _, h := range headers {
		name, _, _ := strings.Cut(h, ":")
		if strings.EqualFold(strings.TrimSpace(name), lowerName) {
			return true
		}
	}
	return false
}

func validateMethod(m string) error {
	if !isToken(m) {
		return fmt.Errorf("method %q is not an HTTP token", m)
	}
	return nil
}

// validateHeaders accepts "Name: value" lines; the framing headers belong
// to the generator.
func validateHeaders(headers []string) error {
	if len(headers) > headerCountMax {
		return fmt.Errorf("%d headers: at most %d", len(headers), headerCountMax)
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		switch {
		case !ok:
			return fmt.Errorf("header %q: want 'Name: value'", h)
		case !isToken(name):
			return fmt.Errorf("header %q: name is not an HTTP token", h)
		case strings.ContainsAny(value, "\r\n\x00"):
			return fmt.Errorf("header %q: value has CR, LF or NUL", h)
		case strings.EqualFold(name, "content-length") || strings.EqualFold(name, "transfer-encoding"):
			return fmt.Errorf("header %q: the generator sets the framing from --body", h)
		}
	}
	return nil
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}
