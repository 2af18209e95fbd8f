// Package web is provbox's small admin web UI: plain HTML pages (a little
// CSS, no JavaScript) on their own TCP listener, for admins who would
// rather click than type. It calls the same provisioning core methods as
// the JSON admin API on the unix socket, so the daemon stays the only
// writer of the state database.
//
// Security, all of it on unconditionally:
//
//   - HTTP Basic auth, user "admin", against the password in a file that
//     must exist, be non-empty and be readable by its owner only; without
//     it the UI does not start. Both names are compared in constant time.
//   - Failed logins are logged with the source address and limited per
//     source (IPv4 address, IPv6 /64): after MaxFailures within
//     FailureWindow every request from it gets 429 until the window
//     passes.
//   - Every change is a POST carrying a per-process random token in a
//     hidden field, compared in constant time, and must come from this
//     site when the browser says where it comes from (Origin, Referer,
//     Sec-Fetch-Site). GET never changes anything.
//   - Content-Security-Policy default-src 'self', X-Frame-Options DENY,
//     nosniff, and Cache-Control no-store on every page (several show
//     secret URLs).
//   - SIP passwords are typed into the add-device form and passed to the
//     core; no page type carries one, so no page can render it.
//
// The listener speaks plain HTTP: bind it to 127.0.0.1 (and reach it
// through an SSH tunnel) or to an address on a management VLAN, never to
// the phones' network.
package web
