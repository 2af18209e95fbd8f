package httpd

import (
	"errors"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
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
	// WriteTimeout bounds writing the response (default 30s).
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

	// MaxConns bounds open connections (default 1024), MaxConnsPerSource
	// those of one address (default 32) and MaxConnsPerPrefix those of
	// one IPv6 /64 (default 64), over the plain and TLS listeners
	// together. A connection beyond any is closed at once.
	MaxConns          int
	MaxConnsPerSource int
	MaxConnsPerPrefix int
	// ReservedForDevices is the share of MaxConns only addresses bound to
	// a known device may use; when every connection is taken, a known
	// device's connection displaces a stranger's idle one (default a
	// quarter; negative: none, and no displacing).
	ReservedForDevices int
	// StrangerIdleTimeout replaces IdleTimeout, and ReadHeaderTimeout
	// while no byte has come, for addresses not bound to a known device
	// (default 5s; negative: the same timeouts as devices).
	StrangerIdleTimeout time.Duration
}

// Defaults, chosen for desk phones on a LAN: small requests, small files.
// The zero Config means these, and so does a provbox.toml without the key
// (cmd/provbox starts from them).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 8 << 10
	DefaultShutdownGrace     = 10 * time.Second
	DefaultMaxConns          = 1024
	DefaultMaxConnsPerSource = 32
	DefaultMaxConnsPerPrefix = 64
	DefaultStrangerIdle      = 5 * time.Second
)

// WithDefaults is the configuration the server runs with: zero fields
// take their defaults.
func (c Config) WithDefaults() Config { return c.withDefaults() }

func (c Config) withDefaults() Config {
	setting.OrPositive(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setting.OrPositive(&c.ReadTimeout, DefaultReadTimeout)
	setting.OrPositive(&c.WriteTimeout, DefaultWriteTimeout)
	setting.OrPositive(&c.IdleTimeout, DefaultIdleTimeout)
	setting.OrPositive(&c.ShutdownGrace, DefaultShutdownGrace)
	// A ReadTimeout set below the default header timeout bounds both.
	c.ReadHeaderTimeout = min(c.ReadHeaderTimeout, c.ReadTimeout)
	setting.OrPositive(&c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	return c.connDefaults()
}

func (c Config) connDefaults() Config {
	setting.OrPositive(&c.MaxConns, DefaultMaxConns)
	setting.OrPositive(&c.MaxConnsPerSource, DefaultMaxConnsPerSource)
	setting.OrPositive(&c.MaxConnsPerPrefix, DefaultMaxConnsPerPrefix)
	setting.Share(&c.ReservedForDevices, c.MaxConns)
	setting.Or(&c.StrangerIdleTimeout, DefaultStrangerIdle)
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
	if d := c.connDefaults(); d.ReservedForDevices > d.MaxConns {
		errs = append(errs, fmt.Errorf("httpd: ReservedForDevices %d exceeds MaxConns %d", d.ReservedForDevices, d.MaxConns))
	}
	return errors.Join(errs...)
}
