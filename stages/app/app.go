// Package app holds what the servers say: the hello app (TechEmpower
// plaintext, an index, /stats) behind a small router, and the echo app. Apps
// see parsed requests and fill responses; they know nothing about sockets or
// stages.
package app

import "latencylab/stages/http1"

// Handler answers one request. It fills resp and must not keep req or resp
// after it returns: both are reused.
type Handler interface {
	Serve(req *http1.Request, resp *http1.Response)
}

// Path returns the path of a request target without its query, for both
// origin-form ("/a?b") and absolute-form ("http://host/a?b") targets.
func Path(target []byte) []byte {
	if len(target) > 0 && target[0] != '/' {
		target = stripAuthority(target)
	}
	for i, c := range target {
		if c == '?' || c == '#' {
			return target[:i]
		}
	}
	return target
}

// stripAuthority turns "scheme://authority/path" into "/path" ("/" when the
// path is empty), and leaves anything else (such as "*") as it is.
func stripAuthority(target []byte) []byte {
	const sep = "://"
	for i := 0; i+len(sep) <= len(target); i++ {
		if string(target[i:i+len(sep)]) != sep {
			continue
		}
		rest := target[i+len(sep):]
		for j, c := range rest {
			if c == '/' || c == '?' {
				if c == '?' {
					return slash
				}
				return rest[j:]
			}
		}
		return slash
	}
	return target
}

var slash = []byte("/")
