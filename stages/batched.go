package stages

// batched gathers the responses to every pipelined request parsed from one
// read and writes them in one write, instead of one write per response
// (TigerBeetle-style batching; seed 000 phase 3). Non-pipelined traffic is
// unchanged: one request per read is still one write. The pipeline scenario
// (`lab bench --scenario pipeline`) is where it shows.
func batched() Stage {
	s := stackbuf()
	s.Base, s.Name = s.Name, "batched"
	s.Summary = "stackbuf + the responses to all pipelined requests of one read gathered into one write"
	s.HTTP.Batch = true
	return s
}
