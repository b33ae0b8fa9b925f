package httpd

import "latencylab/stages/core"

// DefaultBatchMax bounds a batching stage's gathered output: past it the
// batch is written before the next response is added.
const DefaultBatchMax = 64 << 10

// Output is where encoders write: straight to the connection (one write
// per call), or, for a batching stage, into one buffer that is written once
// per read event, whatever number of pipelined responses it holds. It is a
// concrete type so that the compiler can see a caller's slice is only
// copied, never kept (the stackbuf encoder depends on that).
type Output struct {
	conn     *core.Conn
	batching bool
	batch    []byte
	batchMax int
}

// Write sends p now, or appends it to the batch. A p larger than the batch
// limit goes out on its own after the batch, so the batch never grows past
// the limit and keeps that capacity for the reactor's life.
func (o *Output) Write(p []byte) {
	if !o.batching {
		o.conn.Write(p)
		return
	}
	if len(o.batch)+len(p) > o.batchMax {
		o.Flush()
	}
	if len(p) > o.batchMax {
		o.conn.Write(p)
		return
	}
	o.batch = append(o.batch, p...)
}

// Flush writes the gathered batch, if any, in one write.
func (o *Output) Flush() {
	if len(o.batch) == 0 {
		return
	}
	o.conn.Write(o.batch)
	o.batch = o.batch[:0]
}

// bind points the output at the connection whose event is being handled.
// One Output serves the whole reactor: events are handled one at a time.
func (o *Output) bind(c *core.Conn) { o.conn = c }
