// Package serve is the one HTTP serve-and-drain loop of provbox's HTTP
// listeners: the phone-facing server (httpd), the admin API on its unix
// socket (httpd/admin) and the web UI (httpd/admin/web).
package serve

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Run serves srv on ln until ctx ends, then shuts down gracefully: no new
// connections, requests in flight get grace to finish, then what is left
// is cut. srv serves TLS when it has a TLSConfig (its certificate in
// it). Run closes ln, returns nil after a clean shutdown, and prefixes
// its errors with name.
func Run(ctx context.Context, name string, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		ln.Close()
		return fmt.Errorf("%s: serving on %s: %w", name, ln.Addr(), err)
	case <-ctx.Done():
	}
	// A fresh context: the cancelled one would skip the drain.
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		srv.Close() // grace ran out: cut what is left
		err = fmt.Errorf("%s: graceful shutdown on %s: %w", name, ln.Addr(), err)
	}
	<-errc // http.ErrServerClosed
	ln.Close()
	return err
}
