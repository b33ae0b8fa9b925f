// Package profiles captures CPU, wall-clock and allocation profiles over a
// load window, renders them as self-contained HTML flame graphs through
// pprof's own web UI code, and diffs two profiles the way
// `go tool pprof -diff_base` does.
//
// Everything it writes is a plain pprof file (.pb.gz) or a single HTML
// file, so `go tool pprof` and a browser are all a reader needs.
package profiles
