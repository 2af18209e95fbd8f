// Package ops is the admin application layer: every change and query an
// admin makes, typed (parse the surface's text input, call the core,
// answer with a result type). The JSON API (httpd/admin) and the web UI
// (httpd/admin/web) are two surfaces over it: each decodes its own wire
// or form format into these calls and renders the results its own way,
// so an input is parsed and validated in one place and the HTTP status of
// an error is decided in one place.
package ops
