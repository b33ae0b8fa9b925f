// Command pprofserver is a Go server the lab did not ship, for the bench's
// test of --server's pprof pull: net/http with net/http/pprof, answering
// /plaintext after a little work, so that its CPU profile has samples.
package main

import (
	"crypto/sha256"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	http.HandleFunc("/plaintext", func(w http.ResponseWriter, _ *http.Request) {
		sum := sha256.Sum256([]byte("Hello, World!"))
		for range 200 {
			sum = sha256.Sum256(sum[:])
		}
		_, _ = w.Write([]byte("Hello, World!"))
	})
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
