package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/provbox/provbox/provisioning"
)

// dhcpRunner is the DHCP server with its sockets bound.
type dhcpRunner interface {
	serve(ctx context.Context) error
	close()
}

// bindDHCP builds the DHCP server and binds every configured interface.
// PENDING: the dhcp package has not landed yet; until it does, a config
// with dhcp.enabled = true is refused at start.
func bindDHCP(cfg *fileConfig, svc *provisioning.Service, log *slog.Logger) (dhcpRunner, error) {
	return nil, errors.New("dhcp.enabled: this build has no DHCP server yet")
}
