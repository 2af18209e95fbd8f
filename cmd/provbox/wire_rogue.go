package main

import (
	"context"
	"encoding/hex"
	"log/slog"
	"net/netip"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// openRogueWatches opens the rogue DHCP watch on every served and every
// watch-only interface. One that cannot be opened (no CAP_NET_RAW, the
// interface is gone) is logged and skipped: detection is an aid, serving
// does not depend on it.
func openRogueWatches(cfg *fileConfig, log *slog.Logger) []*dhcp.RogueWatch {
	var ws []*dhcp.RogueWatch
	for _, name := range append(append([]string{}, cfg.DHCP.Interfaces...), cfg.DHCP.WatchInterfaces...) {
		w, err := dhcp.OpenRogueWatch(name)
		if err != nil {
			log.Warn("rogue DHCP detection off on this interface", "interface", name, "err", err)
			continue
		}
		ws = append(ws, w)
	}
	return ws
}

// dhcpAdmin gives the admin surfaces the DHCP server's explain and rogue
// list, in the operations layer's types (the admin packages do not
// import the servers).
type dhcpAdmin struct{ srv *dhcp.Server }

var _ ops.DHCPService = dhcpAdmin{}

func (a dhcpAdmin) ExplainDHCP(_ context.Context, mac provisioning.MAC, opt60 string, relay netip.Addr) (ops.DHCPExplanation, error) {
	ex := a.srv.Explain(mac, opt60, relay)
	out := ops.DHCPExplanation{MAC: mac.String(), Steps: ex.Steps, Class: ex.Class, Reason: ex.Reason,
		Options: adminOptions(ex.Options)}
	if ex.Offer.IsValid() {
		out.Offer, out.Subnet = ex.Offer.String(), ex.Subnet.String()
	}
	return out, nil
}

func (a dhcpAdmin) RogueServers() []ops.RogueServer {
	var out []ops.RogueServer
	for _, r := range a.srv.Rogues() {
		out = append(out, ops.RogueServer{IP: r.IP, MAC: r.MAC.String(), Interface: r.Interface, FirstSeen: r.FirstSeen,
			LastSeen: r.LastSeen, Packets: r.Packets, Options: adminOptions(r.Options)})
	}
	return out
}

func (a dhcpAdmin) RoguesDropped() int { return a.srv.RoguesDropped() }

func adminOptions(os []dhcp.OptionInfo) []ops.DHCPOption {
	out := make([]ops.DHCPOption, 0, len(os))
	for _, o := range os {
		out = append(out, ops.DHCPOption{Code: int(o.Code), Name: o.Name, Value: o.Value, Hex: hex.EncodeToString(o.Bytes)})
	}
	return out
}
