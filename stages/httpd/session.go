package httpd

import "latencylab/stages/http1"

// Session is one connection's HTTP state: its parser and the exchange being
// read. It outlives requests, not connections.
type Session struct {
	parser    *http1.Parser
	ex        *Exchange // the request being read; nil between requests
	finalSent bool      // the final response is written: ignore further input
}

func newSession(l http1.Limits) *Session {
	return &Session{parser: http1.NewParser(l)}
}

// reset readies a pooled session for its next connection.
func (s *Session) reset() {
	s.parser.Reset()
	s.ex = nil
	s.finalSent = false
}
