package web

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/httpd/internal/serve"
	"github.com/provbox/provbox/provisioning/setting"
)

// Config is the web UI's configuration. Zero values take the defaults
// documented on each field. Its tagged fields are the web_* keys of
// [admin] in provbox.toml, which decode straight into them; Validate
// (config.go) holds their rules.
type Config struct {
	// Addr is the listen address, e.g. "127.0.0.1:8080". Required.
	Addr setting.HostPort `toml:"web_listen"`
	// PasswordFile holds the admin password (see ReadPasswordFile).
	// Required: the UI is never served without one.
	PasswordFile string `toml:"web_password_file"`

	// ReadTimeout bounds reading a request (default 30s), WriteTimeout
	// writing the answer (default 30s), IdleTimeout a kept-alive
	// connection between requests (default 120s).
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration `toml:"-"`
	// ShutdownGrace is how long requests in flight may run once the
	// serving context ends (default 10s).
	ShutdownGrace time.Duration `toml:"-"`

	// MaxFailures failed logins from one source (twice as many for the
	// account from all sources, default 5) are free; each further try
	// must wait a delay that doubles from 1s up to MaxDelay (default
	// 30s) after the last failure. A source or account without a failure
	// for FailureWindow (default 15 minutes) starts afresh. A browser
	// that logged in before has a budget of its own.
	MaxFailures   int           `toml:"-"`
	FailureWindow time.Duration `toml:"-"`
	MaxDelay      time.Duration `toml:"-"`

	// SessionIdle ends a login session after this long without a
	// request (default 30 minutes); every session also ends 12 hours
	// after login.
	SessionIdle time.Duration `toml:"-"`

	// TLSCert and TLSKey, both set, make the UI speak HTTPS only (PEM
	// files); the session cookie is then Secure.
	TLSCert string `toml:"web_tls_cert"`
	TLSKey  string `toml:"web_tls_key"`

	// DHCP is what the UI shows of the DHCP server: off (the zero
	// value), or on with its pools.
	DHCP DHCPInfo `toml:"-"`

	// Pending lists the unknown phones asking to be provisioned, for the
	// pending page and the dashboard; nil: the core's own list (none
	// when the core keeps no such list).
	Pending func() ([]PendingPhone, error) `toml:"-"`

	// Now is the clock of the login limiter and of "time left" on
	// pages; nil means time.Now.
	Now func() time.Time `toml:"-"`
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadTimeout, 30*time.Second)
	def(&c.WriteTimeout, 30*time.Second)
	def(&c.IdleTimeout, 120*time.Second)
	def(&c.ShutdownGrace, 10*time.Second)
	def(&c.FailureWindow, 15*time.Minute)
	def(&c.MaxDelay, 30*time.Second)
	def(&c.SessionIdle, defaultSessionIdle)
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is the admin web UI.
type Server struct {
	cfg      Config
	svc      Core
	ops      *ops.Ops // the admin operations over svc
	log      *slog.Logger
	passHash atomic.Pointer[[sha256.Size]byte] // of the password: compared without leaking its length
	token    string                            // the form token of this process
	pages    map[string]*template.Template
	limiter  *limiter
	trust    *trust
	sessions *sessions
	tls      *tls.Config // nil: plain HTTP
	handler  http.Handler
}

// New reads the password file and prepares the pages. It refuses to
// build a server without a usable password file, naming the file and
// the problem.
func New(cfg Config, svc Core, log *slog.Logger) (*Server, error) {
	if svc == nil {
		return nil, errors.New("web: nil service")
	}
	if cfg.Addr == "" {
		return nil, errors.New("web: no listen address")
	}
	if cfg.PasswordFile == "" {
		return nil, errors.New("web: no password file: the web UI is never served without a password")
	}
	pw, err := ReadPasswordFile(cfg.PasswordFile)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, svc: svc, ops: ops.New(svc), log: log.With("component", "web"),
		limiter: newLimiter(cfg.FailureWindow, cfg.MaxDelay), sessions: newSessions(cfg.SessionIdle, sessionMaxAge, maxSessions)}
	if err := s.loadTLS(); err != nil {
		return nil, err
	}
	s.setPassword(pw)
	if s.trust, err = newTrust(); err != nil {
		return nil, err
	}
	if s.token, err = newToken(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parsePages(); err != nil {
		return nil, err
	}
	s.handler = s.secure(gzipPages(s.authenticate(s.routes())))
	return s, nil
}

// ReloadPassword re-reads the password file (systemctl reload); a file
// that is no longer usable is refused and the old password stays.
func (s *Server) ReloadPassword() error {
	pw, err := ReadPasswordFile(s.cfg.PasswordFile)
	if err != nil {
		return err
	}
	s.setPassword(pw)
	return nil
}

// setPassword installs pw; a changed password ends every session.
func (s *Server) setPassword(pw string) {
	h := sha256.Sum256([]byte(pw))
	if old := s.passHash.Swap(&h); old != nil && *old != h {
		s.sessions.clear()
	}
}

// Handler returns the whole UI, authentication included, for tests
// without sockets.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds Addr; with TLSCert and TLSKey it answers HTTPS only.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", string(s.cfg.Addr))
	if err != nil {
		return nil, fmt.Errorf("web: listening on %s: %w", s.cfg.Addr, err)
	}
	if s.tls != nil {
		ln = tls.NewListener(ln, s.tls)
	}
	return ln, nil
}

// loadTLS reads the certificate and key when both are configured.
func (s *Server) loadTLS() error {
	if s.cfg.TLSCert == "" && s.cfg.TLSKey == "" {
		return nil
	}
	if s.cfg.TLSCert == "" || s.cfg.TLSKey == "" {
		return errors.New("web: TLS needs both a certificate and a key")
	}
	cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
	if err != nil {
		return fmt.Errorf("web: loading TLS certificate and key: %w", err)
	}
	s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return nil
}

// Serve answers on ln until ctx is cancelled, then shuts down
// gracefully: no new connections, requests in flight get ShutdownGrace
// to finish. It returns nil after a clean shutdown and closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: min(10*time.Second, s.cfg.ReadTimeout),
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return serve.Run(ctx, "web", srv, ln, s.cfg.ShutdownGrace)
}

// secure sets the headers every answer carries. Every page is no-store:
// the device pages show secret URLs, and the rest is admin data too.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
