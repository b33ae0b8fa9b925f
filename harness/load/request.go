package load

import (
	"fmt"

	"golang.org/x/net/http2/hpack"
	"slices"
	"strconv"
	"strings"
)

// request is one request of the run, as it goes on the wire: built once.
type request struct {
	wire     []byte              // HTTP/1.1
	head     bool                // a HEAD: its response has no body
	h2fields []hpack.HeaderField // HTTP/2: its header fields
	body     []byte              // HTTP/2: sent in DATA frames
}

// buildRequests renders the run's requests: the URL's one, or one per
// target of a mix (each with --header's headers added).
func buildRequests(cfg Config, t target) ([]request, error) {
	if len(cfg.Targets) == 0 {
		r, err := buildRequest(cfg, cfg.method(), t, cfg.Headers, cfg.Body)
		return []request{r}, err
	}
	reqs := make([]request, len(cfg.Targets))
	for i, tg := range cfg.Targets {
		u, err := parseTarget(tg.URL)
		if err != nil {
			return nil, err
		}
		headers := append(slices.Clip(cfg.Headers), tg.Headers...)
		if reqs[i], err = buildRequest(cfg, tg.Method, u, headers, tg.Body); err != nil {
			return nil, fmt.Errorf("%s: %w", tg.where, err)
		}
	}
	return reqs, nil
}

// buildRequest renders a request for the run's protocol.
func buildRequest(cfg Config, method string, t target, headers []string, body []byte) (request, error) {
	if !cfg.HTTP2 {
		return renderRequest(method, t, headers, body, cfg.Mode.Closes()), nil
	}
	if len(body) > h2BodyMax {
		return request{}, fmt.Errorf("a body of %d bytes: at most %d with HTTP/2", len(body), h2BodyMax)
	}
	fields, err := h2Fields(method, t.scheme(), t, headers, len(body))
	return request{h2fields: fields, body: body, head: method == "HEAD"}, err
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
