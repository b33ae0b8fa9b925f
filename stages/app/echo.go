package app

import (
	"encoding/json"
	"strconv"

	"latencylab/stages/http1"
)

// echoed is the JSON description the echo app returns.
type echoed struct {
	Method  string      `json:"method"`
	Target  string      `json:"target"`
	Version string      `json:"version"`
	Headers [][2]string `json:"headers"` // in arrival order
	Body    string      `json:"body"`
}

// Echo answers any method on any path with 200 and a JSON description of
// the parsed request. It allocates freely: it is a debugging app.
type Echo struct{}

// Serve describes req.
func (Echo) Serve(req *http1.Request, resp *http1.Response) {
	e := echoed{
		Method:  string(req.Method),
		Target:  string(req.Target),
		Version: "HTTP/1." + strconv.Itoa(req.Minor),
		Headers: make([][2]string, 0, len(req.Fields)),
		Body:    string(req.Body),
	}
	for _, f := range req.Fields {
		e.Headers = append(e.Headers, [2]string{string(f.Name), string(f.Value)})
	}
	body, err := json.Marshal(e)
	if err != nil {
		resp.Status = 500
		return
	}
	resp.Status = 200
	resp.Set("Content-Type", "application/json")
	resp.Body = append(body, '\n')
}
