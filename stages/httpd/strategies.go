package httpd

import "latencylab/stages/http1"

// Strategies are the HTTP-side choices a stage plugs in. The core-side ones
// (NoDelay, Backlog, Buffers) live in core.Config.
type Strategies struct {
	// KeepAlive follows RFC 9112 persistence. false closes every connection
	// after one response, as a first version does.
	KeepAlive bool
	// Objects supplies sessions, requests and responses.
	Objects func() Objects
	// Encoder turns a response into bytes on the wire.
	Encoder func() Encoder
	// Batch gathers the responses to all requests parsed from one read and
	// writes them in one write; false writes each response as it is made.
	Batch bool
}

// Exchange is one request and its response.
type Exchange struct {
	Req  http1.Request
	Resp http1.Response
}

// Objects is the memory strategy for per-connection and per-request objects.
type Objects interface {
	Session(limits http1.Limits) *Session
	ReleaseSession(s *Session)
	Exchange() *Exchange
	// Parsed is called once the request is complete, before the app runs.
	Parsed(ex *Exchange)
	Release(ex *Exchange)
}

// Encoder writes one response to the connection.
type Encoder interface {
	Encode(out *Output, resp *http1.Response, date []byte)
}

// serverName is the Server header of every response.
const serverName = "latencylab"

// HeapObjects is the first version's memory strategy: every connection gets
// a new session and parser, every request a new request and response, each
// with a header map, and the garbage collector frees them.
type HeapObjects struct{}

// NewHeapObjects returns the heap strategy.
func NewHeapObjects() Objects { return HeapObjects{} }

func (HeapObjects) Session(l http1.Limits) *Session { return newSession(l) }
func (HeapObjects) ReleaseSession(*Session)         {}
func (HeapObjects) Release(*Exchange)               {}

func (HeapObjects) Exchange() *Exchange {
	return &Exchange{Resp: http1.Response{Map: make(map[string]string, 4)}}
}

// Parsed builds the request's header map, which the app's lookups then use.
func (HeapObjects) Parsed(ex *Exchange) { ex.Req.BuildMap() }

// PooledObjects keeps sessions and exchanges on free lists and resets them
// (clearing while keeping capacity) instead of freeing them. The reactor is
// one goroutine, so the lists need no lock.
type PooledObjects struct {
	sessions  []*Session
	exchanges []*Exchange
	max       int // objects kept per list; beyond it they go to the GC
}

// DefaultPoolMax bounds each free list.
const DefaultPoolMax = 4096

// NewPooledObjects returns the pool strategy with DefaultPoolMax.
func NewPooledObjects() Objects { return &PooledObjects{max: DefaultPoolMax} }

func (p *PooledObjects) Session(l http1.Limits) *Session {
	if n := len(p.sessions); n > 0 {
		s := p.sessions[n-1]
		p.sessions = p.sessions[:n-1]
		return s
	}
	return newSession(l)
}

func (p *PooledObjects) ReleaseSession(s *Session) {
	if len(p.sessions) < p.max {
		s.reset()
		p.sessions = append(p.sessions, s)
	}
}

func (p *PooledObjects) Exchange() *Exchange {
	if n := len(p.exchanges); n > 0 {
		ex := p.exchanges[n-1]
		p.exchanges = p.exchanges[:n-1]
		return ex
	}
	return new(Exchange)
}

func (p *PooledObjects) Parsed(*Exchange) {}

func (p *PooledObjects) Release(ex *Exchange) {
	if len(p.exchanges) < p.max {
		ex.Req.Reset()
		ex.Resp.Reset()
		p.exchanges = append(p.exchanges, ex)
	}
}
