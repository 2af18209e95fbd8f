// Package web is provbox's small admin web UI: plain HTML pages (a little
// CSS, no JavaScript) on their own TCP listener, for admins who would
// rather click than type. It runs the same admin operations
// (httpd/admin/ops) as the JSON admin API on the unix socket, so the
// daemon stays the only writer of the state database.
//
// Security, all of it on unconditionally:
//
//   - A login form, user "admin", against the password in a file that
//     must exist, be non-empty and be readable by its owner only; without
//     it the UI does not start. Both names are compared in constant time.
//     A login opens a server-side session: a random 256-bit id in a
//     cookie that is HttpOnly, SameSite=Strict and, under TLS, Secure;
//     it ends after SessionIdle without a request, 12 hours after login,
//     at logout, or when the password changes; at most 64 are held.
//   - Failed logins are logged with the source address and slowed down
//     per source (IPv4 address, all of 127/8 as one, IPv6 /64) and per
//     account: past MaxFailures (twice that for the account) each try
//     waits a doubling delay, at most MaxDelay (30s), and gets 429 until
//     then. The right password is never locked out for longer than that
//     delay, and a browser that logged in before is not slowed down by
//     other people's failures (a signed cookie gives it its own budget).
//   - Every change is a POST carrying a per-process random token in a
//     hidden field, compared in constant time, and must come from this
//     site when the browser says where it comes from (Origin, Referer,
//     Sec-Fetch-Site). GET never changes anything.
//   - Content-Security-Policy default-src 'self', X-Frame-Options DENY,
//     nosniff, and Cache-Control no-store on every page (several show
//     secret URLs).
//   - SIP passwords are typed into the add-device and edit forms and
//     passed to the core; no page type carries one, so no page can
//     render it (the config preview is rendered with them masked).
//
// The listener speaks plain HTTP unless given a certificate and key
// (HTTPS only then): bind it to 127.0.0.1 (and reach it through an SSH
// tunnel) or to an address on a management VLAN, never to the phones'
// network.
package web
