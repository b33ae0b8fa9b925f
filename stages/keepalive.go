package stages

// keepalive keeps connections open per RFC 9112 (HTTP/1.1 unless
// "Connection: close"; HTTP/1.0 only with "keep-alive"), with Content-Length
// on every response and pipelined requests answered in order. Seed 004's
// third step: no accept, close and handshake per request.
func keepalive() Stage {
	s := nodelay()
	s.Base, s.Name = s.Name, "keepalive"
	s.Summary = "nodelay + persistent connections (RFC 9112), pipelined requests answered in order"
	s.HTTP.KeepAlive = true
	return s
}
