package main

import (
	"log/slog"
	"strings"
)

// listenerAttrs name every socket the daemon serves, as bound (a port 0
// in the file shows the port the kernel chose), for the "provbox ready"
// log line: an admin sees at once what answers where.
func (d *daemon) listenerAttrs() []any {
	var attrs []any
	add := func(key, value string) { attrs = append(attrs, slog.String(key, value)) }
	if d.dhcp != nil {
		add("dhcp", strings.Join(d.cfg.DHCP.Interfaces, ","))
	}
	if d.tftpConn != nil {
		add("tftp", d.tftpConn.LocalAddr().String())
	}
	if d.httpLn != nil {
		add("http", d.httpLn.Addr().String())
	}
	if d.httpsLn != nil {
		add("https", d.httpsLn.Addr().String())
	}
	if d.webAddr != nil {
		add("web", d.webAddr.String())
	}
	if d.adminLn != nil {
		add("admin_socket", d.adminLn.Addr().String())
	}
	return attrs
}
