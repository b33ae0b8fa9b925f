package load

import (
	"crypto/tls"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// statusMax bounds the status codes counted: three digits.
const statusMax = 1000

// newHist makes a histogram of the lab's one latency range.
func newHist() *hdrhistogram.Histogram { return rundir.NewHist() }

// errClass is a kind of failure; the names are the keys of Summary.Errors.
type errClass uint8

const (
	classConnect errClass = iota
	classRead
	classWrite
	classTimeout
	classReset
	classParse
	classUnsent // scheduled in the window, never sent: no usable connection
	classTLS    // a handshake that failed, or a record that did not decrypt
	classStream // HTTP/2: the server reset the request's stream (RST_STREAM)
	classCount
)

var classNames = [classCount]string{"connect", "read", "write", "timeout", "reset", "parse", "unsent", "tls", "stream"}

// unsentMessage explains classUnsent (it has no error of its own).
const unsentMessage = "scheduled in the window but never sent: no usable connection before the deadline (see the connect, reset and read errors)"

// recorder is one worker's measurements. Only its worker touches it until
// the run ends; then the recorders are merged.
type recorder struct {
	latency, service, sendLag, pacerLag *hdrhistogram.Histogram
	connect, handshake                  *hdrhistogram.Histogram // connection set-up, ending in the window
	targets                             []targetRec             // a mix's per-target results; nil without one
	tls                                 tlsRecord
	h2                                  h2Record
	iv                                  *ivRecorder // nil without --hlog
	responses, warmupResponses          int64
	settled                             int64 // measured requests that ended: a response, a failure, a timeout, unsent
	connects                            int64
	closedBetween                       int64  // server closes between responses, retried (keep-alive race)
	timeoutMsg                          string // the timeout class's message
	statuses                            [statusMax]int64
	errors                              [classCount]int64
	firstErr                            [classCount]string
}

func newRecorder() *recorder {
	return &recorder{latency: newHist(), service: newHist(), sendLag: newHist(), pacerLag: newHist(),
		connect: newHist(), handshake: newHist(), h2: h2Record{maxStreams: -1}}
}

// tlsRecord is what the window's handshakes negotiated: counts, and the
// parameters of the first one (every connection offers the same).
type tlsRecord struct {
	full, resumed int64
	version       uint16
	suite         uint16
	alpn          string
}

// h2Record is what HTTP/2's connections saw.
type h2Record struct {
	maxStreams int   // the lowest SETTINGS_MAX_CONCURRENT_STREAMS a server sent; -1: none
	goaways    int64 // GOAWAY frames
	retried    int64 // requests a GOAWAY left unprocessed, sent again on a new connection
	resets     int64 // streams the server reset
	writes     int64 // writes that carried requests (HEADERS), warm-up included
	written    int64 // the requests they carried
}

func (h *h2Record) serverStreams(n int) {
	if h.maxStreams < 0 || n < h.maxStreams {
		h.maxStreams = n
	}
}

func (h *h2Record) merge(o h2Record) {
	if o.maxStreams >= 0 {
		h.serverStreams(o.maxStreams)
	}
	h.goaways += o.goaways
	h.retried += o.retried
	h.resets += o.resets
	h.writes += o.writes
	h.written += o.written
}

// connected records how long a TCP connect took.
func (r *recorder) connected(ns int64) { _ = r.connect.RecordValue(clampNs(ns)) }

// handshook records a TLS handshake: what it negotiated (the first one,
// warm-up or not), and, if it ended in the window, its time and kind.
func (r *recorder) handshook(ns int64, st tls.ConnectionState, measured bool) {
	if r.tls.version == 0 {
		r.tls.version, r.tls.suite, r.tls.alpn = st.Version, st.CipherSuite, st.NegotiatedProtocol
	}
	if !measured {
		return
	}
	_ = r.handshake.RecordValue(clampNs(ns))
	if st.DidResume {
		r.tls.resumed++
	} else {
		r.tls.full++
	}
}

func clampNs(v int64) int64 { return min(max(v, 0), rundir.HistHighestNS) }

// response records a measured, complete response to request (target) t.
func (r *recorder) response(now, latencyNs, serviceNs int64, status int, t int32) {
	r.responses++
	r.settled++
	if status >= 0 && status < statusMax {
		r.statuses[status]++
	}
	r.sample(now, latencyNs, serviceNs)
	if r.targets != nil {
		tr := &r.targets[t]
		tr.responses++
		tr.status(status)
		tr.sample(latencyNs)
		if status >= statusErrorAt {
			tr.errors++
		}
	}
}

// timeout records a request that timed out: an error and a latency sample.
func (r *recorder) timeout(now, latencyNs, serviceNs int64, t int32) {
	r.settled++
	r.errors[classTimeout]++
	if r.firstErr[classTimeout] == "" {
		r.firstErr[classTimeout] = r.timeoutMsg
	}
	r.sample(now, latencyNs, serviceNs)
	if r.targets != nil {
		r.targets[t].errors++
		r.targets[t].sample(latencyNs)
	}
}

// addUnsent counts n requests of the window that were never sent.
func (r *recorder) addUnsent(n int64) {
	if n <= 0 {
		return
	}
	r.errors[classUnsent] += n
	r.settled += n
	r.firstErr[classUnsent] = unsentMessage
}

func (r *recorder) sample(now, latencyNs, serviceNs int64) {
	latencyNs = clampNs(latencyNs)
	_ = r.latency.RecordValue(latencyNs)
	_ = r.service.RecordValue(clampNs(serviceNs))
	if r.iv != nil {
		r.iv.record(now, latencyNs)
	}
}

// sent records the send lag of a measured open-loop request.
func (r *recorder) sent(lagNs, pacerLagNs int64) {
	_ = r.sendLag.RecordValue(clampNs(lagNs))
	_ = r.pacerLag.RecordValue(clampNs(pacerLagNs))
}

// fail counts a measured failure; the first error text of each class is
// kept for the report (formatting it allocates, but once per class).
func (r *recorder) fail(class errClass, err error) {
	r.errors[class]++
	if r.firstErr[class] == "" && err != nil {
		r.firstErr[class] = err.Error()
	}
}

// failRequest counts a measured request to target t that failed.
func (r *recorder) failRequest(class errClass, err error, t int32) {
	r.settled++
	r.fail(class, err)
	if r.targets != nil {
		r.targets[t].errors++
	}
}

// note keeps the first error text of a class without counting it (warm-up).
func (r *recorder) note(class errClass, err error) {
	if r.firstErr[class] == "" && err != nil {
		r.firstErr[class] = err.Error()
	}
}

// merge adds o into r.
func (r *recorder) merge(o *recorder) {
	r.latency.Merge(o.latency)
	r.service.Merge(o.service)
	r.sendLag.Merge(o.sendLag)
	r.pacerLag.Merge(o.pacerLag)
	r.connect.Merge(o.connect)
	r.handshake.Merge(o.handshake)
	if r.targets == nil && o.targets != nil {
		r.targets = newTargetRecs(len(o.targets))
	}
	for i := range o.targets {
		r.targets[i].merge(&o.targets[i])
	}
	r.h2.merge(o.h2)
	r.tls.full += o.tls.full
	r.tls.resumed += o.tls.resumed
	if r.tls.version == 0 {
		r.tls.version, r.tls.suite, r.tls.alpn = o.tls.version, o.tls.suite, o.tls.alpn
	}
	r.responses += o.responses
	r.warmupResponses += o.warmupResponses
	r.settled += o.settled
	r.connects += o.connects
	r.closedBetween += o.closedBetween
	for i := range r.statuses {
		r.statuses[i] += o.statuses[i]
	}
	for i := range r.errors {
		r.errors[i] += o.errors[i]
		if r.firstErr[i] == "" {
			r.firstErr[i] = o.firstErr[i]
		}
	}
}

// okResponses counts 1xx..3xx final responses (2xx and 3xx in practice).
func (r *recorder) okResponses() int64 {
	var n int64
	for code := 200; code < 400; code++ {
		n += r.statuses[code]
	}
	return n
}
