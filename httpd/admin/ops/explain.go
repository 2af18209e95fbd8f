package ops

import (
	"context"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// ExplainCore runs a fetch decision dry; *provisioning.Service
// satisfies it. Optional: without it explain fails with ErrUnavailable.
type ExplainCore interface {
	Explain(ctx context.Context, r provisioning.FetchRequest) provisioning.Explanation
}

var _ ExplainCore = (*provisioning.Service)(nil)

// FetchQuery is a file request to explain, as an admin typed it.
type FetchQuery struct {
	IP    string `json:"ip"`
	UA    string `json:"ua,omitempty"`
	Proto string `json:"proto,omitempty"` // http (default), https or tftp
	Path  string `json:"path"`
}

// ExplainFetch says what the request q describes would get and why,
// without any side effect.
func (o *Ops) ExplainFetch(ctx context.Context, q FetchQuery) (provisioning.Explanation, error) {
	ex, ok := o.svc.(ExplainCore)
	if !ok {
		return provisioning.Explanation{}, unavailable("this core cannot explain")
	}
	ip, err := ParseIP(q.IP)
	if err != nil {
		return provisioning.Explanation{}, err
	}
	proto := provisioning.Proto(strings.ToLower(q.Proto))
	switch proto {
	case "":
		proto = provisioning.ProtoHTTP
	case provisioning.ProtoHTTP, provisioning.ProtoHTTPS, provisioning.ProtoTFTP:
	default:
		return provisioning.Explanation{}, Badf("proto %q: want http, https or tftp", q.Proto)
	}
	if q.Path == "" {
		return provisioning.Explanation{}, Badf("no path to explain")
	}
	if proto != provisioning.ProtoTFTP && !strings.HasPrefix(q.Path, "/") {
		q.Path = "/" + q.Path // as an HTTP request line carries it
	}
	return ex.Explain(ctx, provisioning.FetchRequest{Proto: proto, Path: q.Path, RemoteIP: ip, UserAgent: q.UA}), nil
}

// DHCPQuery is a DHCP client to explain: its MAC, vendor class (option
// 60) and the relay it comes through, if any.
type DHCPQuery struct {
	MAC   string `json:"mac"`
	Opt60 string `json:"opt60,omitempty"`
	Relay string `json:"relay,omitempty"`
}

// DHCPOption is one option of an answer: its code, name, value as text
// and bytes on the wire (hex).
type DHCPOption struct {
	Code  int    `json:"code"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Hex   string `json:"hex"`
}

// DHCPExplanation is what a DISCOVER from the client would get.
type DHCPExplanation struct {
	MAC     string              `json:"mac"`
	Steps   []provisioning.Step `json:"steps"`
	Class   string              `json:"class,omitempty"`  // the [[dhcp.class]] matched, or the vendor
	Offer   string              `json:"offer,omitempty"`  // the address it would offer; "" when none
	Subnet  string              `json:"subnet,omitempty"` // the subnet it would come from
	Reason  string              `json:"reason,omitempty"` // why no offer
	Options []DHCPOption        `json:"options"`
}

// RogueServer is a DHCP server provbox saw answering on a segment it
// watches that is neither itself nor in known_servers.
type RogueServer struct {
	IP        netip.Addr   `json:"ip"`
	MAC       string       `json:"mac"`
	Interface string       `json:"interface"`
	FirstSeen time.Time    `json:"first_seen"`
	LastSeen  time.Time    `json:"last_seen"`
	Packets   int          `json:"packets"`
	Options   []DHCPOption `json:"options"`
}

// DHCPService is the DHCP server's part of the admin surface: a dry run
// of its decision and the foreign servers it saw. cmd/provbox installs it
// with SetDHCP once the server is bound; without it these operations
// fail with ErrUnavailable (DHCP off).
type DHCPService interface {
	ExplainDHCP(ctx context.Context, mac provisioning.MAC, opt60 string, relay netip.Addr) (DHCPExplanation, error)
	RogueServers() []RogueServer
}

// dhcpHolder lets the daemon install the DHCP service after the admin
// surfaces are built, while they already serve.
type dhcpHolder struct{ p atomic.Pointer[DHCPService] }

// SetDHCP installs the DHCP server's admin operations (nil: none).
func (o *Ops) SetDHCP(d DHCPService) {
	if d == nil {
		o.dhcp.p.Store(nil)
		return
	}
	o.dhcp.p.Store(&d)
}

func (o *Ops) dhcpService() (DHCPService, error) {
	p := o.dhcp.p.Load()
	if p == nil {
		return nil, unavailable("DHCP is not served by this daemon ([dhcp] enabled = false)")
	}
	return *p, nil
}

// ExplainDHCP says what a DISCOVER from q's client would get, allocating
// nothing.
func (o *Ops) ExplainDHCP(ctx context.Context, q DHCPQuery) (DHCPExplanation, error) {
	d, err := o.dhcpService()
	if err != nil {
		return DHCPExplanation{}, err
	}
	m, err := ParseMAC(q.MAC)
	if err != nil {
		return DHCPExplanation{}, err
	}
	var relay netip.Addr
	if q.Relay != "" {
		if relay, err = ParseIP(q.Relay); err != nil || !relay.Is4() {
			return DHCPExplanation{}, Badf("relay %q is not an IPv4 address", q.Relay)
		}
	}
	return d.ExplainDHCP(ctx, m, q.Opt60, relay)
}

// RogueServers lists the foreign DHCP servers seen; [] when none.
func (o *Ops) RogueServers() ([]RogueServer, error) {
	d, err := o.dhcpService()
	if err != nil {
		return nil, err
	}
	rs := d.RogueServers()
	if rs == nil {
		rs = []RogueServer{}
	}
	return rs, nil
}

// ExplainEvent re-runs explain for the request an audit line records
// (the web UI's "Why?" link on a refused event). A line whose file is a
// redacted secret path ("abcd…/wxyz…/file") cannot be replayed: the audit
// trail never keeps the secret, and ErrBadInput says so.
func (o *Ops) ExplainEvent(ctx context.Context, e provisioning.Event) (provisioning.Explanation, error) {
	switch e.Proto {
	case string(provisioning.ProtoHTTP), string(provisioning.ProtoHTTPS), string(provisioning.ProtoTFTP):
	default:
		return provisioning.Explanation{}, Badf("a %s event is not a file request", e.Proto)
	}
	if strings.Contains(e.File, "…") {
		return provisioning.Explanation{}, Badf("the audit trail keeps secret paths redacted (%s): run provbox explain fetch with the full path", e.File)
	}
	return o.ExplainFetch(ctx, FetchQuery{IP: e.IP.String(), UA: e.UA, Proto: e.Proto, Path: e.File})
}
