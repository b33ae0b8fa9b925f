// Package loadmode is how a load generator's requests use connections:
// keep-alive, a connection per request, or pipelined. It is the one parser
// of the mode strings that lab load's --mode and the scenarios' "mode"
// keys share.
package loadmode

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is a mode's way of using connections.
type Kind uint8

const (
	KeepAlive Kind = iota // persistent connections, one request in flight
	Close                 // a new connection per request
	Pipeline              // persistent connections, Depth requests in flight
)

// DepthMax bounds the pipeline depth.
const DepthMax = 1024

// Mode is a Kind and, for Pipeline, its depth. The zero Mode is KeepAlive.
type Mode struct {
	Kind  Kind
	Depth int // requests in flight per connection; only Pipeline reads it
}

// Parse reads "keepalive" (or ""), "close" or "pipeline=N".
func Parse(s string) (Mode, error) {
	switch s {
	case "keepalive", "":
		return Mode{Kind: KeepAlive}, nil
	case "close":
		return Mode{Kind: Close}, nil
	}
	kind, depth, ok := strings.Cut(s, "=")
	if kind != "pipeline" {
		return Mode{}, fmt.Errorf("mode %q: want keepalive, close or pipeline=N", s)
	}
	if !ok {
		return Mode{}, fmt.Errorf("mode %q: pipeline needs a depth, e.g. pipeline=16", s)
	}
	n, err := strconv.Atoi(depth)
	if err != nil || n < 1 || n > DepthMax {
		return Mode{}, fmt.Errorf("mode %q: depth must be 1..%d", s, DepthMax)
	}
	return Mode{Kind: Pipeline, Depth: n}, nil
}

// String is the mode as Parse reads it.
func (m Mode) String() string {
	switch m.Kind {
	case KeepAlive:
		return "keepalive"
	case Close:
		return "close"
	case Pipeline:
		return "pipeline=" + strconv.Itoa(m.Depth)
	}
	return fmt.Sprintf("mode(%d)", m.Kind)
}

// Validate checks a Mode built in code rather than parsed.
func (m Mode) Validate() error {
	switch m.Kind {
	case KeepAlive, Close:
		return nil
	case Pipeline:
		if m.Depth < 1 || m.Depth > DepthMax {
			return fmt.Errorf("mode pipeline: depth %d not in 1..%d", m.Depth, DepthMax)
		}
		return nil
	}
	return fmt.Errorf("mode kind %d: want keepalive, close or pipeline", m.Kind)
}

// InFlight is how many requests a connection carries at once.
func (m Mode) InFlight() int {
	if m.Kind == Pipeline {
		return m.Depth
	}
	return 1
}

// Closes says each request gets its own connection.
func (m Mode) Closes() bool { return m.Kind == Close }
