// Blank imports keep the pinned dependencies in go.mod until the code that
// uses each of them lands; remove an import once a package really uses it.
package main

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/coreos/go-systemd/v22/daemon"
	_ "github.com/insomniacslk/dhcp/dhcpv4/server4"
	_ "github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	_ "github.com/pin/tftp/v3"
	_ "modernc.org/sqlite"
	_ "golang.org/x/net/ipv4"
)


func main() {}
