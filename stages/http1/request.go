package http1

import "strings"

// Header returns the value of the first field called name (any case), or
// nil. With a Map (the naive strategy) it looks there, allocating as a
// first version would; otherwise it scans Fields without allocating.
func (r *Request) Header(name string) []byte {
	if r.Map != nil {
		v, ok := r.Map[strings.ToLower(name)]
		if !ok {
			return nil
		}
		return []byte(v)
	}
	for i := range r.Fields {
		if equalFoldString(r.Fields[i].Name, name) {
			return r.Fields[i].Value
		}
	}
	return nil
}

// BuildMap fills Map with lower-cased names and the first value of each.
// It copies every name and value to the heap: this is the first-version
// header map the naive stage measures, not an optimization.
func (r *Request) BuildMap() {
	if r.Map == nil {
		r.Map = make(map[string]string, len(r.Fields))
	} else {
		clear(r.Map)
	}
	for _, f := range r.Fields {
		name := strings.ToLower(string(f.Name))
		if _, seen := r.Map[name]; !seen {
			r.Map[name] = string(f.Value)
		}
	}
}

// Reset clears r for the next request, keeping the Fields array. Map is
// dropped: it is derived from Fields and would describe the old request.
func (r *Request) Reset() {
	clear(r.Fields) // let the old input buffer be collected
	*r = Request{Fields: r.Fields[:0], ContentLength: -1}
}
