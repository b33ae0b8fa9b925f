package http1

import (
	"bytes"
	"fmt"
	"slices"
)

// FormatResponse is the encoder of a first version: fmt into a new
// bytes.Buffer, one Fprintf per line, the bytes returned. It writes the
// same bytes as AppendResponse; what differs is the cost (a buffer that
// grows on the heap, boxing of every argument, fmt's interpretation of the
// format), which is what the ladder measures.
func FormatResponse(r *Response, date []byte, server string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.%d %d %s\r\n", r.Minor, r.Status, StatusText(r.Status))
	fmt.Fprintf(&b, "Date: %s\r\n", date)
	if server != "" {
		fmt.Fprintf(&b, "Server: %s\r\n", server)
	}
	if !noContentLength(r.Status) {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.Body))
	}
	b.WriteString(connectionLine(r))
	if r.Map != nil {
		names := make([]string, 0, len(r.Map))
		for name := range r.Map {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			fmt.Fprintf(&b, "%s: %s\r\n", name, r.Map[name])
		}
	} else {
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "%s: %s\r\n", f.Name, f.Value)
		}
	}
	b.WriteString("\r\n")
	if !Bodiless(r.Status, r.Head) {
		b.Write(r.Body)
	}
	return b.Bytes()
}
