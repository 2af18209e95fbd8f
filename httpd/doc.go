// Package httpd is provbox's phone-facing HTTP(S) server.
//
// It is thin: every GET or HEAD becomes one provisioning.FetchRequest handed to
// the core's Fetch, and the core's Response becomes the reply. The core
// decides everything (bootstrap redirect, full config at the secret URL,
// common files, refusals, audit, strikes); this package only adds what is
// HTTP's own: timeouts, size limits, keep-alive, HEAD and conditional GET
// (http.ServeContent), optional TLS, and a graceful shutdown.
//
// Refusals look alike on the wire: a banned address, an unknown file, a
// wrong hash and a traversal attempt all get the same fixed 404 (status,
// headers and body), written by one function. Phone uploads (PUT/POST of
// logs and local overrides: Poly UC Software Administrator Guide, master
// configuration file, LOG_FILE_DIRECTORY and OVERRIDES_DIRECTORY) get a cheap 204 without
// touching the core, so they are never strikes.
//
// The phone-facing listeners are served by a lean HTTP/1.1 connection loop
// (h1serve.go, h1conn.go, h1response.go, h1read.go) instead of net/http's
// server, whose fixed per-request work cost more than the core's decision.
// Requests are still parsed by net/http (http.ReadRequest), the handler is
// the same, and the answers are net/http's byte for byte
// (TestH1MatchesNetHTTP runs both servers side by side). Over TLS only
// HTTP/1.1 is offered. The admin API, web UI and metrics keep net/http.
//
// Connections are shared out (connlimit.go): bounded in all, per address
// and per IPv6 /64, with a share kept for addresses bound to a known
// device (Core.KnownAddress) and a shorter idle timeout for the others,
// whose idle connections give way to newcomers when all are taken.
//
// Typical use, with all sockets bound before anything serves:
//
//	srv, err := httpd.New(httpd.Config{Addr: ":80", TLSAddr: ":443",
//		CertFile: "/etc/provbox/tls.crt", KeyFile: "/etc/provbox/tls.key"}, svc, log)
//	plain, secure, err := srv.Listen()
//	go srv.Serve(ctx, plain)
//	go srv.ServeTLS(ctx, secure)
package httpd
