package main

// Blank imports keep pinned dependencies in go.mod until the code that
// uses each of them lands (toml, go-systemd, pin/tftp, x/net and sqlite
// are imported for real by now); remove an import once a package really uses it.
import (
	_ "github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	_ "github.com/insomniacslk/dhcp/dhcpv4/server4"
)
