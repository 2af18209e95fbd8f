package httpd

import (
	"errors"
	"time"
)

// Config is the phone-facing HTTP server's configuration. Zero durations
// and sizes take the defaults documented on each field.
type Config struct {
	// Addr is the plain HTTP listen address, e.g. ":80".
	Addr string
	// TLSAddr is the optional HTTPS listen address, e.g. ":443"; empty
	// disables HTTPS. CertFile and KeyFile (PEM) are then required.
	TLSAddr  string
	CertFile string
	KeyFile  string

	// ReadHeaderTimeout bounds reading the request line and headers
	// (default 10s): phones send a few hundred bytes at once.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request (default 30s).
	ReadTimeout time.Duration
	// WriteTimeout bounds writing the response (default 60s).
	WriteTimeout time.Duration
	// IdleTimeout bounds a kept-alive connection waiting for its next
	// request (default 120s).
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the request line plus headers (default 8 KiB;
	// phones send far less).
	MaxHeaderBytes int
	// ShutdownGrace is how long in-flight requests may run after the
	// serving context is cancelled (default 10s).
	ShutdownGrace time.Duration
}

// Defaults, chosen for desk phones on a LAN: small requests, small files.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 8 << 10
	DefaultShutdownGrace     = 10 * time.Second
)

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ShutdownGrace, DefaultShutdownGrace)
	// A ReadTimeout set below the default header timeout bounds both.
	c.ReadHeaderTimeout = min(c.ReadHeaderTimeout, c.ReadTimeout)
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return c
}

// Validate reports configuration mistakes, naming the field.
func (c Config) Validate() error {
	var errs []error
	if c.TLSAddr != "" && (c.CertFile == "" || c.KeyFile == "") {
		errs = append(errs, errors.New("httpd: TLSAddr is set but CertFile or KeyFile is empty"))
	}
	if c.TLSAddr == "" && (c.CertFile != "" || c.KeyFile != "") {
		errs = append(errs, errors.New("httpd: CertFile/KeyFile are set but TLSAddr is empty"))
	}
	if c.ReadTimeout > 0 && c.ReadHeaderTimeout > c.ReadTimeout {
		errs = append(errs, errors.New("httpd: ReadHeaderTimeout exceeds ReadTimeout"))
	}
	return errors.Join(errs...)
}
