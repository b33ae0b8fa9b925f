package stages

import "latencylab/stages/httpd"

// stackbuf serializes each response into a fixed 4 KiB array on the stack,
// after computing its size (the heap only above 4 KiB), in one write (seed
// 004's to_string). `make escape` shows the compiler keeping the array on
// the stack; README.md records that output.
func stackbuf() Stage {
	s := pools()
	s.Base, s.Name = s.Name, "stackbuf"
	s.Summary = "pools + response serialized into a fixed 4 KiB stack buffer, size computed first, one write"
	s.HTTP.Encoder = httpd.NewStackEncoder
	return s
}
