package httpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
)

// Server is the phone-facing HTTP(S) server. One Server may serve a plain
// and a TLS listener at the same time.
type Server struct {
	cfg  Config
	core Core
	log  *slog.Logger
	tls  *tls.Config // nil when HTTPS is off
	// conns bounds the connections of every listener served.
	conns *connLimiter
	obs   Observer // counts requests (metrics)
}

// New validates cfg, applies defaults and loads the TLS certificate if
// HTTPS is configured, so a bad certificate stops startup.
func New(cfg Config, core Core, log *slog.Logger) (*Server, error) {
	if core == nil {
		return nil, errors.New("httpd: nil core")
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, core: core, log: log.With("component", "httpd"), obs: nopObserver{}}
	c := s.cfg
	s.conns = newConnLimiter(connLimits{max: c.MaxConns, perSource: int(c.MaxConnsPerSource), perPrefix: int(c.MaxConnsPerPrefix),
		reserved: int(c.ReservedForDevices), strangerIdle: c.StrangerIdleTimeout.Duration()}, core.KnownAddress, s.log)
	if cfg.TLSAddr != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("httpd: loading TLS certificate %s and key %s: %w", cfg.CertFile, cfg.KeyFile, err)
		}
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	return s, nil
}

// Handler returns the phone-facing handler, for tests without sockets.
func (s *Server) Handler() http.Handler { return s }

// Listen binds the configured addresses: plain is nil if Addr is empty,
// secure is nil if TLSAddr is empty. On error nothing stays open.
func (s *Server) Listen() (plain, secure net.Listener, err error) {
	if s.cfg.Addr != "" {
		if plain, err = net.Listen("tcp", string(s.cfg.Addr)); err != nil {
			return nil, nil, fmt.Errorf("httpd: listening on %s: %w", s.cfg.Addr, err)
		}
	}
	if s.cfg.TLSAddr != "" {
		if secure, err = net.Listen("tcp", string(s.cfg.TLSAddr)); err != nil {
			if plain != nil {
				plain.Close()
			}
			return nil, nil, fmt.Errorf("httpd: listening on %s: %w", s.cfg.TLSAddr, err)
		}
	}
	return plain, secure, nil
}

// Serve answers plain HTTP on ln until ctx is cancelled, then shuts down
// gracefully: no new connections, idle ones closed at once, in-flight
// requests get ShutdownGrace to finish. It returns nil after a clean
// shutdown and closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln = &limitListener{Listener: ln, l: s.conns}
	return s.h1(nil).run(ctx, ln, s.cfg.ShutdownGrace)
}

// ServeTLS is Serve for HTTPS on a plain TCP listener ln, with the
// certificate loaded by New. It speaks HTTP/1.1 only (ALPN "http/1.1"):
// phones don't use HTTP/2.
func (s *Server) ServeTLS(ctx context.Context, ln net.Listener) error {
	if s.tls == nil {
		return errors.New("httpd: ServeTLS without TLSAddr, CertFile and KeyFile configured")
	}
	cfg := s.tls.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	ln = &limitListener{Listener: ln, l: s.conns}
	return s.h1(cfg).run(ctx, ln, s.cfg.ShutdownGrace)
}

// h1 is the connection server for one listener, serving s.
func (s *Server) h1(tlsCfg *tls.Config) *h1server {
	return &h1server{cfg: s.cfg, handler: s, tls: tlsCfg, log: s.log}
}
