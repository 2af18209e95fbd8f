package httpd

import (
	"crypto/tls"
	"errors"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the phone-facing HTTP server's configuration and the [http]
// section of provbox.toml, which decodes straight into it. Zero durations
// and sizes take the defaults documented on each field; the file starts
// from Defaults. Validate holds its rules.
type Config struct {
	// Addr is the plain HTTP listen address, e.g. ":80".
	Addr setting.HostPort `toml:"listen"`
	// TLSAddr is the optional HTTPS listen address, e.g. ":443"; empty
	// disables HTTPS. CertFile and KeyFile (PEM) are then required.
	TLSAddr  setting.HostPort `toml:"tls_listen"`
	CertFile string           `toml:"tls_cert"`
	KeyFile  string           `toml:"tls_key"`

	// ReadHeaderTimeout bounds reading the request line and headers
	// (default 10s, or ReadTimeout if shorter): phones send a few hundred
	// bytes at once.
	ReadHeaderTimeout time.Duration `toml:"-"`
	// ReadTimeout bounds reading the whole request (default 30s).
	ReadTimeout time.Duration `toml:"read_timeout"`
	// WriteTimeout bounds writing the response (default 30s).
	WriteTimeout time.Duration `toml:"write_timeout"`
	// IdleTimeout bounds a kept-alive connection waiting for its next
	// request (default 120s).
	IdleTimeout time.Duration `toml:"idle_timeout"`
	// MaxHeaderBytes caps the request line plus headers (default 8 KiB;
	// phones send far less).
	MaxHeaderBytes int `toml:"-"`
	// ShutdownGrace is how long in-flight requests may run after the
	// serving context is cancelled (default 10s).
	ShutdownGrace time.Duration `toml:"-"`

	// MaxConns bounds open connections (default 1024), MaxConnsPerSource
	// those of one address (default 32) and MaxConnsPerPrefix those of
	// one IPv6 /64 (default 64), over the plain and TLS listeners
	// together. A connection beyond any is closed at once. Off (0 in the
	// file): no bound.
	MaxConns          int           `toml:"max_conns"`
	MaxConnsPerSource setting.Limit `toml:"max_conns_per_source"`
	MaxConnsPerPrefix setting.Limit `toml:"max_conns_per_prefix"`
	// ReservedForDevices is the share of MaxConns only addresses bound to
	// a known device may use; when every connection is taken, a known
	// device's connection displaces a stranger's idle one (default a
	// quarter; off: none, and no displacing).
	ReservedForDevices setting.Limit `toml:"reserved_for_devices"`
	// StrangerIdleTimeout replaces IdleTimeout, and ReadHeaderTimeout
	// while no byte has come, for addresses not bound to a known device
	// (default 5s; off: the same timeouts as devices).
	StrangerIdleTimeout setting.Timeout `toml:"unknown_idle_timeout"`
}

// Defaults, chosen for desk phones on a LAN: small requests, small files.
// The zero Config means these (see Defaults for the file).
const (
	DefaultAddr              = ":80"
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
	setting.OrPositive(&c.ReadTimeout, DefaultReadTimeout)
	setting.OrPositive(&c.WriteTimeout, DefaultWriteTimeout)
	setting.OrPositive(&c.IdleTimeout, DefaultIdleTimeout)
	setting.OrPositive(&c.ShutdownGrace, DefaultShutdownGrace)
	if c.ReadHeaderTimeout <= 0 {
		// A ReadTimeout set below the default header timeout bounds both.
		c.ReadHeaderTimeout = min(DefaultReadHeaderTimeout, c.ReadTimeout)
	}
	setting.OrPositive(&c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	return c.connDefaults()
}

func (c Config) connDefaults() Config {
	setting.OrPositive(&c.MaxConns, DefaultMaxConns)
	setting.OrBound(&c.MaxConnsPerSource, DefaultMaxConnsPerSource)
	setting.OrBound(&c.MaxConnsPerPrefix, DefaultMaxConnsPerPrefix)
	setting.Share(&c.ReservedForDevices, c.MaxConns)
	setting.Or(&c.StrangerIdleTimeout, setting.Timeout(DefaultStrangerIdle))
	return c
}

// Defaults is what provbox.toml without an [http] key means: every
// default of a key of the file written out, listening on DefaultAddr.
func Defaults() Config {
	c := Config{Addr: DefaultAddr}.withDefaults()
	// Not keys of the file: left to withDefaults, which derives the
	// header timeout from read_timeout.
	c.ReadHeaderTimeout, c.MaxHeaderBytes, c.ShutdownGrace = 0, 0, 0
	return c
}

// Validate reports every problem of a configuration as provbox.toml
// writes it (no key left to its default; New validates with the defaults
// applied), each a *setting.Error naming its key. The TLS certificate
// and key must load.
func (c Config) Validate() error {
	var errs []error
	fail := func(key, format string, args ...any) { errs = append(errs, setting.Errorf(key, format, args...)) }
	positive := func(key string, d time.Duration) {
		if d <= 0 {
			fail(key, "must be a positive duration like \"30s\" or \"12h\", got %s", d)
		}
	}
	positive("http.read_timeout", c.ReadTimeout)
	positive("http.write_timeout", c.WriteTimeout)
	positive("http.idle_timeout", c.IdleTimeout)
	if c.ReadHeaderTimeout < 0 || (c.ReadTimeout > 0 && c.ReadHeaderTimeout > c.ReadTimeout) {
		fail("http.ReadHeaderTimeout", "%s is negative or exceeds http.read_timeout %s", c.ReadHeaderTimeout, c.ReadTimeout)
	}
	if c.MaxConns < 1 {
		fail("http.max_conns", "must be at least 1, got %d", c.MaxConns)
	} else if d := c.connDefaults(); d.ReservedForDevices > setting.Limit(d.MaxConns) {
		fail("http.reserved_for_devices", "%d exceeds http.max_conns %d", d.ReservedForDevices, d.MaxConns)
	}
	if err := c.checkTLS(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkTLS checks the HTTPS keys: a certificate and key with tls_listen,
// and neither without it.
func (c Config) checkTLS() error {
	switch {
	case c.TLSAddr == "" && (c.CertFile != "" || c.KeyFile != ""):
		return setting.Errorf("http.tls_listen", "required when http.tls_cert or http.tls_key is set")
	case c.TLSAddr == "":
		return nil
	case c.CertFile == "" || c.KeyFile == "":
		return setting.Errorf("http.tls_cert", "http.tls_cert and http.tls_key are both required with http.tls_listen")
	}
	if _, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile); err != nil {
		return setting.Errorf("http.tls_cert", "loading certificate and key: %v", err)
	}
	return nil
}
