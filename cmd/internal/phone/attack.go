package phone

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"
)

// Roles of attacker hosts. Each safeguard has one attacker that only it
// stops, so turning that safeguard off lets exactly that attacker through.
const (
	// Walker walks MACs around the targets' (read off labels) and guesses
	// secret paths, with well-formed vendor User-Agents, over HTTP and TFTP.
	Walker = "walker"
	// UAReplay replays a target phone's exact User-Agent, MAC included,
	// from its own address and its own MAC (both the neighbour and the
	// lease check stop it).
	UAReplay = "ua-replay"
	// UAForge has cloned an open device's MAC (so it holds that MAC's
	// lease) but not its User-Agent: it sends a generic one, then the
	// vendor's format with another MAC. HTTP only: TFTP carries no UA.
	UAForge = "ua-forge"
	// StaticClone has cloned an open device's MAC and User-Agent but holds
	// no lease: it sets a static address outside the pool. The server's
	// ARP entry shows the device's MAC; only the lease check stops it.
	StaticClone = "static-clone"
	// IPThief gets an open device's lease by a DHCP exchange with the
	// device's MAC, then puts its own MAC back, announces it (gratuitous
	// ARP) and asks with the device's User-Agent from the leased address.
	// The lease matches; only the neighbour check stops it.
	IPThief = "ip-thief"
	// AfterLock impersonates a provisioned phone completely (MAC, lease,
	// UA) once the real one is unplugged, and asks the bootstrap again.
	AfterLock = "after-lock"
)

// Roles lists the attacker roles.
var Roles = []string{Walker, UAReplay, UAForge, StaticClone, IPThief, IPv6Thief, RelayForger, AfterLock, UDPFramer, TFTPHog, ConnHog}

// Device is an attacker's target.
type Device struct {
	Vendor string `json:"vendor"`
	MAC    string `json:"mac"`
}

// Attack is what an attacker did and everything it received.
type Attack struct {
	Role       string   `json:"role"`
	MAC        string   `json:"mac"`
	IP         string   `json:"ip"`
	Requests   []Fetch  `json:"requests"`
	SecretURLs []string `json:"secret_urls,omitempty"`
	Lines      []Line   `json:"lines,omitempty"`
	Err        string   `json:"error,omitempty"`
	// Flood and Denied: what a resource hog sent, and the service it
	// denied a bystander.
	Flood  string   `json:"flood,omitempty"`
	Denied []string `json:"denied,omitempty"`
}

// Attacker is one attacking host.
type Attacker struct {
	Role    string
	Iface   string
	MAC     net.HardwareAddr
	Targets []Device
	HTTP    string // the server's HTTP base, "http://10.0.0.1/"
	TFTP    string // the server's TFTP base, "tftp://10.0.0.1/"
	Static  string // StaticClone: the address it sets itself, "10.0.0.50/24"
	Frame   string // UDPFramer: the phone address it forges, "10.0.0.120"
	Sources string // hogs: extra addresses, "10.0.0.201-10.0.0.254"
	Timeout time.Duration
	Log     *slog.Logger
}

// Run attacks; failures to attack (no lease) are in Attack.Err.
func (a *Attacker) Run(ctx context.Context) *Attack {
	r := &Attack{Role: a.Role, MAC: a.MAC.String()}
	if err := a.run(ctx, r); err != nil {
		r.Err = err.Error()
	}
	return r
}

func (a *Attacker) run(ctx context.Context, r *Attack) error {
	if !slices.Contains(Roles, a.Role) {
		return fmt.Errorf("unknown attacker role %q (have %s)", a.Role, strings.Join(Roles, ", "))
	}
	if len(a.Targets) == 0 {
		return fmt.Errorf("%s: no target", a.Role)
	}
	p, err := Lookup(a.Targets[0].Vendor)
	if err != nil {
		return err
	}
	tmac, err := net.ParseMAC(a.Targets[0].MAC)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	if a.Role == IPv6Thief { // no IPv4 address: see ipv6thief.go
		return a.ipv6Steal(ctx, r, p, tmac)
	}
	l, err := a.address(ctx, p, tmac)
	if err != nil {
		return err
	}
	r.IP = l.IP.String()
	switch a.Role {
	case Walker:
		return a.walk(ctx, r)
	case UAForge:
		other := append(net.HardwareAddr{}, tmac...)
		other[5] ^= 0xff
		if err := a.try(ctx, r, p, tmac, "curl/8.5.0", Target{Base: a.HTTP}); err != nil {
			return err
		}
		return a.try(ctx, r, p, tmac, p.UA(other), Target{Base: a.HTTP})
	case UDPFramer:
		return a.frame(ctx, r, p, tmac)
	case TFTPHog:
		return a.tftpHog(ctx, r, p, l)
	case ConnHog:
		return a.connHog(ctx, r, p, l)
	case AfterLock:
		loc, err := p.Locate(l, tmac)
		if err != nil {
			return err
		}
		return a.try(ctx, r, p, tmac, p.UA(tmac), loc.Target)
	}
	// UAReplay, StaticClone, IPThief: the device's own UA.
	return a.try(ctx, r, p, tmac, p.UA(tmac), Target{Base: a.HTTP})
}

// address gets the attacker an address the way its role does: a DORA
// (clones boot as the phone they copy, the others as a plain host), a
// static address, or a stolen lease.
func (a *Attacker) address(ctx context.Context, p *Profile, tmac net.HardwareAddr) (*Lease, error) {
	if err := Unconfigure(a.Iface); err != nil {
		return nil, err
	}
	switch a.Role {
	case StaticClone:
		return StaticAddr(a.Iface, a.Static)
	case IPThief:
		return a.steal(ctx, p, tmac)
	case RelayForger:
		return a.forgeRelay(ctx, p, tmac)
	}
	class, prl := []byte(nil), []uint8{1, 3, 6, 15, 66, 67, 150, 160}
	if a.Role == UAForge || a.Role == AfterLock {
		class, prl = classOf(p), p.PRL
	}
	l, err := DORA(ctx, a.Iface, class, prl, 4*a.timeout())
	if err != nil {
		return nil, err
	}
	return l, Configure(a.Iface, l)
}

func classOf(p *Profile) []byte {
	if p.Class == nil {
		return nil
	}
	return p.Class()
}

func (a *Attacker) timeout() time.Duration {
	if a.Timeout <= 0 {
		return 3 * time.Second
	}
	return a.Timeout
}

func (a *Attacker) log() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

func (a *Attacker) client(p *Profile, ua string) *Client {
	return &Client{UA: ua, TFTPSlash: p.TFTPSlash, Timeout: a.timeout(), KeepBodies: true}
}

// try asks the bootstrap the way a phone of p with mac would, and follows
// any redirect it gets to the secret URL.
func (a *Attacker) try(ctx context.Context, r *Attack, p *Profile, mac net.HardwareAddr, ua string, t Target) error {
	c := a.client(p, ua)
	defer func() { r.Requests = append(r.Requests, c.Log...) }()
	ps, err := p.walk(ctx, c, mac, t)
	if err == nil { // content it cannot read is no gain
		a.follow(ctx, r, c, p, mac, ps.Settings)
	}
	return nil
}

// follow fetches the secret URL a redirect revealed, if any.
func (a *Attacker) follow(ctx context.Context, r *Attack, c *Client, p *Profile, mac net.HardwareAddr, s Settings) {
	rd, ok, err := p.dialect.redirect(s, mac)
	if err != nil || !ok {
		return
	}
	r.SecretURLs = append(r.SecretURLs, rd.Target.String())
	full, _ := p.walk(ctx, c, mac, rd.Target)
	r.Lines = append(r.Lines, p.dialect.lines(full.Settings)...)
}

// walk asks, for each target and its MAC neighbours, the vendor's
// MAC-named file over HTTP (with a UA carrying the walked MAC) and TFTP,
// then guesses secret paths.
func (a *Attacker) walk(ctx context.Context, r *Attack) error {
	for _, d := range a.Targets {
		p, err := Lookup(d.Vendor)
		if err != nil {
			return err
		}
		base, err := net.ParseMAC(d.MAC)
		if err != nil {
			return fmt.Errorf("target: %w", err)
		}
		for _, delta := range []int{0, 1, -1, 2} {
			mac := neighbour(base, delta)
			file := macFile(p, mac)
			c := a.client(p, p.UA(mac))
			body, ok := c.Get(ctx, a.HTTP+file)
			if ok {
				if s, err := p.dialect.parse(body, mac); err == nil {
					a.follow(ctx, r, c, p, mac, s)
				}
			}
			r.Requests = append(r.Requests, c.Log...)
		}
		c := a.client(p, "")
		if body, ok := c.Get(ctx, a.TFTP+macFile(p, base)); ok {
			if s, err := p.dialect.parse(body, base); err == nil {
				a.follow(ctx, r, c, p, base, s)
			}
		}
		r.Requests = append(r.Requests, c.Log...)
		for range 3 {
			c := a.client(p, p.UA(base))
			c.Get(ctx, a.HTTP+randHex()+"/"+randHex()+"/"+macFile(p, base))
			r.Requests = append(r.Requests, c.Log...)
		}
	}
	return nil
}

// macFile is the first of the vendor's files that carries the MAC.
func macFile(p *Profile, mac net.HardwareAddr) string {
	for _, s := range p.Files(mac) {
		if strings.Contains(s.Name, hexMAC(mac)) || strings.Contains(s.Name, upperMAC(mac)) {
			return s.Name
		}
	}
	return p.Files(mac)[0].Name
}

func neighbour(m net.HardwareAddr, delta int) net.HardwareAddr {
	v := uint32(m[3])<<16 | uint32(m[4])<<8 | uint32(m[5])
	v = uint32(int(v)+delta) & 0xffffff
	return net.HardwareAddr{m[0], m[1], m[2], byte(v >> 16), byte(v >> 8), byte(v)}
}

// randHex is a guess at a 128-bit hash.
func randHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
