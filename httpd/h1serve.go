package httpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// h1server serves HTTP/1.1 on the phone-facing listeners (plain and TLS)
// with a lean connection loop (h1conn) instead of net/http's server,
// whose fixed per-request work (a background read, a cancelable context
// per request, deadline churn, a header clone) cost more than the
// provisioning decision itself. Requests are still parsed by
// http.ReadRequest and answered by the same http.Handler. The admin API,
// web UI and metrics keep net/http.
type h1server struct {
	cfg     Config
	handler http.Handler
	tls     *tls.Config // nil: plain HTTP
	log     *slog.Logger
	closing atomic.Bool // shutdown began: no keep-alive, idle conns closed

	mu    sync.Mutex
	conns map[*h1conn]struct{}
	wg    sync.WaitGroup // one per connection goroutine

	base   context.Context // the connections' parent: cut at the end of grace
	cutAll context.CancelFunc
}

// run serves ln until ctx ends, then shuts down as serve.Run does for
// net/http: no new connections, idle ones closed at once, requests in
// flight get grace to finish, then what is left is cut. It closes ln and
// returns nil after a clean shutdown.
func (s *h1server) run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	s.conns = map[*h1conn]struct{}{}
	// Requests must outlive the serving context by the grace.
	s.base, s.cutAll = context.WithCancel(context.WithoutCancel(ctx))
	defer s.cutAll()
	errc := make(chan error, 1)
	go func() { errc <- s.accept(ln) }()
	select {
	case err := <-errc:
		ln.Close()
		s.shutdown(0)
		return fmt.Errorf("httpd: serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.closing.Store(true)
	ln.Close()
	<-errc
	if err := s.shutdown(grace); err != nil {
		return fmt.Errorf("httpd: graceful shutdown on %s: %w", ln.Addr(), err)
	}
	return nil
}

// accept hands each connection to its goroutine until ln fails or is
// closed by shutdown; it backs off on temporary errors (out of file
// descriptors) as net/http does.
func (s *h1server) accept(ln net.Listener) error {
	var delay time.Duration
	for {
		rwc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return nil
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.log.Warn("http: accept failed, retrying", "err", err, "delay", delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.start(rwc)
	}
}

// start registers a connection and serves it on its own goroutine.
func (s *h1server) start(rwc net.Conn) {
	c := &h1conn{srv: s, remote: rwc.RemoteAddr().String()}
	c.lc, _ = rwc.(*limitedConn)
	c.wr.c = rwc
	if s.tls != nil {
		rwc = tls.Server(rwc, s.tls)
		c.wr.c = rwc
	}
	c.rwc = rwc
	c.ctx, c.cancel = context.WithCancel(s.base)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		c.cancel()
		rwc.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go c.serve()
}

// forget drops a closed connection.
func (s *h1server) forget(c *h1conn) {
	s.mu.Lock()
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.wg.Done()
	}
	s.mu.Unlock()
}

// shutdown closes idle connections, waits up to grace for the active
// ones to finish their request, then cuts the rest.
func (s *h1server) shutdown(grace time.Duration) error {
	s.mu.Lock()
	s.closing.Store(true)
	for c := range s.conns {
		if c.state.CompareAndSwap(connIdle, connClosed) {
			c.rwc.Close()
		} else if c.draining.Load() {
			// Its answer is under way: stop reading a body read only
			// for a reuse that shutdown rules out; the answer goes out.
			c.rwc.SetReadDeadline(time.Now())
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
	}
	s.cutAll()
	s.mu.Lock()
	for c := range s.conns {
		c.rwc.Close()
	}
	s.mu.Unlock()
	return context.DeadlineExceeded
}
