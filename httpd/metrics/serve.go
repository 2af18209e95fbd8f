package metrics

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/provbox/provbox/httpd/internal/serve"
)

// Path is where the exposition is served.
const Path = "/metrics"

// shutdownGrace bounds how long a scrape in flight may finish at stop.
const shutdownGrace = 2 * time.Second

// Listen binds the metrics listener.
func Listen(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr)
}

// Handler serves the exposition at Path, nothing elsewhere.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	return mux
}

// Serve serves the exposition on ln until ctx ends.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	return serve.Run(ctx, "metrics", srv, ln, shutdownGrace)
}
