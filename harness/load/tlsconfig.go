package load

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLS versions lab load can be held to with TLSOptions.MaxVersion.
const (
	TLS12 = tls.VersionTLS12
	TLS13 = tls.VersionTLS13
)

// sessionCacheSize bounds the client's session cache. Every connection
// goes to one server name, so one entry is in use; a few spare ones cost
// nothing.
const sessionCacheSize = 16

// TLSOptions is how lab load speaks TLS to an https:// URL. The zero value
// verifies the server against the system's roots, sends the URL's host as
// SNI, resumes sessions and allows TLS 1.2 and 1.3.
type TLSOptions struct {
	ServerName string // SNI and the name verified; "" = the URL's host
	CAFile     string // PEM roots to verify against instead of the system's
	Insecure   bool   // skip verification (the handshake still runs in full)
	CertFile   string // client certificate (PEM), with KeyFile
	KeyFile    string
	NoResume   bool   // no session tickets: every handshake is a full one
	MaxVersion uint16 // 0 = TLS 1.3; TLS12 holds the run to TLS 1.2
}

// set says an option was given, which only an https:// URL may use.
func (o TLSOptions) set() bool { return o != TLSOptions{} }

func (o TLSOptions) validate() error {
	switch {
	case (o.CertFile == "") != (o.KeyFile == ""):
		return errors.New("tls: a client certificate needs both --cert and --key")
	case o.MaxVersion != 0 && o.MaxVersion != TLS12 && o.MaxVersion != TLS13:
		return fmt.Errorf("tls: max version %#x: want 1.2 or 1.3", o.MaxVersion)
	case o.Insecure && o.CAFile != "":
		return errors.New("tls: --insecure and --cacert contradict each other: one verifies nothing, the other names what to trust")
	}
	return nil
}

// clientConfig builds the one tls.Config every connection of the run
// shares (read-only once the run starts). alpn is the protocol to offer.
func (o TLSOptions) clientConfig(host, alpn string) (*tls.Config, error) {
	cfg := &tls.Config{
		ServerName: host, MinVersion: tls.VersionTLS12, MaxVersion: o.MaxVersion,
		InsecureSkipVerify: o.Insecure, NextProtos: []string{alpn},
	}
	if o.ServerName != "" {
		cfg.ServerName = o.ServerName
	}
	if !o.NoResume {
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(sessionCacheSize)
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls: --cacert: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: --cacert %s: no PEM certificate in it", o.CAFile)
		}
	}
	if o.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// alpnHTTP1 is the protocol an HTTP/1.1 run offers.
const alpnHTTP1 = "http/1.1"
