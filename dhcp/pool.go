package dhcp

import (
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// leaseState is what an address is doing.
type leaseState uint8

const (
	stateFree     leaseState = iota // no holder; mac remembers the last one
	stateOffered                    // set aside for mac until expires (memory only)
	stateBound                      // leased to mac until expires (durable)
	stateDeclined                   // quarantined until expires (a client saw it in use)
)

// entry is one address the server has touched. Entries are never deleted:
// a free entry remembers its last holder so a returning client gets its
// address back, and the pool hands such addresses to others last.
type entry struct {
	ip          netip.Addr
	mac         provisioning.MAC
	cid         string    // client identifier (option 61) of the holder; "" if it sent none
	renewed     time.Time // last ACK to the holder (zero: none since start)
	state       leaseState
	expires     time.Time
	hostname    string
	vendorClass string
}

// active reports whether the entry keeps its address from others at now.
func (e *entry) active(now time.Time) bool {
	return e.state != stateFree && now.Before(e.expires)
}

// heldBy reports whether c is the entry's holder (current or last): the
// client identifiers decide when both sides have one, else the MACs do
// (RFC 2131 section 4.2; a lease restored from the database has no
// identifier, so its MAC stands in until the client binds again). A
// quarantined address has no holder.
func (e *entry) heldBy(c ident) bool {
	if e.state == stateDeclined {
		return false
	}
	if e.cid != "" && c.id != "" {
		return e.cid == c.id
	}
	return !e.mac.IsZero() && e.mac == c.mac
}

func (e *entry) lease() provisioning.Lease {
	return provisioning.Lease{IP: e.ip, MAC: e.mac, Expires: e.expires, Hostname: e.hostname, VendorClass: e.vendorClass}
}

// pool is the allocator of one subnet. It is not safe for concurrent use:
// the Server serialises access with its mutex.
type pool struct {
	Subnet
	start, end uint32
	byIP       map[netip.Addr]*entry
	byMAC      map[provisioning.MAC]*entry // the MAC's latest entry
	byCID      map[string]*entry           // the client identifier's latest entry
	lastBound  map[provisioning.MAC]*entry // the MAC's last ACKed entry (guardMove)
	fresh      uint32                      // next never-touched candidate
	reuse      uint32                      // rotating cursor over touched ones
	fullUntil  time.Time                   // skip scans while known exhausted
	resvIP     map[netip.Addr]provisioning.MAC
	resvMAC    map[provisioning.MAC]reservation
}

// reservation is a MAC's pinned address, from the TOML or the database.
type reservation struct {
	ip       netip.Addr
	hostname string
}

func newPool(s Subnet) *pool {
	return &pool{
		Subnet: s, start: u32(s.Range.First), end: u32(s.Range.Last), fresh: u32(s.Range.First),
		reuse: u32(s.Range.First), byIP: map[netip.Addr]*entry{}, byMAC: map[provisioning.MAC]*entry{},
		byCID: map[string]*entry{}, lastBound: map[provisioning.MAC]*entry{},
		resvIP: map[netip.Addr]provisioning.MAC{}, resvMAC: map[provisioning.MAC]reservation{},
	}
}

func (p *pool) inRange(ip netip.Addr) bool {
	if !ip.Is4() {
		return false
	}
	v := u32(ip)
	return v >= p.start && v <= p.end
}

// usable reports whether ip can be a host address in the subnet.
func (p *pool) usable(ip netip.Addr) bool {
	return ip.Is4() && p.CIDR.Contains(ip) && ip != p.CIDR.Addr() && ip != broadcastOf(p.CIDR)
}

// refusal says why c may not have ip at now; "" means it may.
// Reservations follow the MAC (chaddr), leases the client (heldBy).
func (p *pool) refusal(c ident, ip netip.Addr, now time.Time) string {
	if !p.usable(ip) {
		return "address not on this network"
	}
	if owner, ok := p.resvIP[ip]; ok && owner != c.mac {
		return "address reserved for another client"
	}
	if r, ok := p.resvMAC[c.mac]; ok && r.ip != ip && p.refusal(c, r.ip, now) == "" {
		return "client has a reserved address"
	}
	if _, reserved := p.resvIP[ip]; !reserved && !p.inRange(ip) {
		return "address outside the range"
	}
	if e := p.byIP[ip]; e != nil && e.active(now) && !e.heldBy(c) {
		return "address in use"
	}
	return ""
}

// record is c's latest entry in the pool (bound, offered, or free and
// remembering c), or nil: the server's "record of this client".
func (p *pool) record(c ident) *entry {
	if c.id != "" {
		if e := p.byCID[c.id]; e != nil && e.heldBy(c) {
			return e
		}
	}
	if e := p.byMAC[c.mac]; e != nil && e.heldBy(c) {
		return e
	}
	return nil
}

// pick chooses the address to offer c: its reservation, its previous
// address, the one it asks for, a never-used one, then any free one.
func (p *pool) pick(c ident, requested netip.Addr, now time.Time) (netip.Addr, bool) {
	if r, ok := p.resvMAC[c.mac]; ok && p.refusal(c, r.ip, now) == "" {
		return r.ip, true
	}
	if e := p.record(c); e != nil && p.refusal(c, e.ip, now) == "" {
		return e.ip, true
	}
	if requested.IsValid() && p.refusal(c, requested, now) == "" {
		if e := p.byIP[requested]; e == nil || e.heldBy(c) {
			return requested, true
		}
	}
	return p.scan(now)
}

// scan finds a never-used address, else a free one (oldest holders are not
// tracked: the first inactive one after a rotating cursor). A full scan that
// finds nothing marks the pool full for a second, so a flood of DISCOVERs on
// an exhausted pool costs no more than one scan a second.
func (p *pool) scan(now time.Time) (netip.Addr, bool) {
	for p.fresh <= p.end && p.fresh >= p.start {
		ip := addrOf(p.fresh)
		p.fresh++
		if _, reserved := p.resvIP[ip]; p.byIP[ip] == nil && !reserved && p.usable(ip) {
			return ip, true
		}
	}
	if now.Before(p.fullUntil) {
		return netip.Addr{}, false
	}
	size := p.end - p.start + 1
	for range size {
		if p.reuse < p.start || p.reuse > p.end {
			p.reuse = p.start
		}
		ip := addrOf(p.reuse)
		p.reuse++
		_, reserved := p.resvIP[ip]
		if e := p.byIP[ip]; !reserved && p.usable(ip) && (e == nil || !e.active(now)) {
			return ip, true
		}
	}
	p.fullUntil = now.Add(time.Second)
	return netip.Addr{}, false
}

// take gives ip to c in state st until expires, and returns the entry.
// The caller has checked refusal.
func (p *pool) take(ip netip.Addr, c ident, st leaseState, expires time.Time) *entry {
	e := p.byIP[ip]
	if e == nil {
		e = &entry{ip: ip}
		p.byIP[ip] = e
	}
	if e.mac != c.mac && p.byMAC[e.mac] == e {
		delete(p.byMAC, e.mac)
	}
	if e.cid != c.id && p.byCID[e.cid] == e {
		delete(p.byCID, e.cid)
	}
	if e.mac != c.mac {
		e.hostname, e.vendorClass, e.renewed = "", "", time.Time{}
	}
	e.mac, e.cid, e.state, e.expires = c.mac, c.id, st, expires
	p.index(e)
	return e
}

// index files e as its holder's latest entry.
func (p *pool) index(e *entry) {
	if !e.mac.IsZero() {
		p.byMAC[e.mac] = e
	}
	if e.cid != "" {
		p.byCID[e.cid] = e
	}
}

// hold sets ip aside for c's OFFER, leaving its own active lease bound.
func (p *pool) hold(ip netip.Addr, c ident, now time.Time, d time.Duration) {
	if e := p.byIP[ip]; e != nil && e.heldBy(c) && e.state == stateBound && e.active(now) {
		p.index(e)
		return
	}
	p.take(ip, c, stateOffered, now.Add(d))
}

// bind leases ip to c; it returns the new lease and, if the client
// held another address here, that address's lease ended now.
func (p *pool) bind(ip netip.Addr, c ident, now time.Time, d time.Duration, host, vc string) (provisioning.Lease, *provisioning.Lease) {
	var moved *provisioning.Lease
	if old := p.record(c); old != nil && old.ip != ip && old.active(now) {
		old.state, old.expires = stateFree, now
		l := old.lease()
		moved = &l
	}
	e := p.take(ip, c, stateBound, now.Add(d))
	e.renewed = now
	if !c.mac.IsZero() {
		p.lastBound[c.mac] = e
	}
	if host != "" {
		e.hostname = host
	}
	if vc != "" {
		e.vendorClass = vc
	}
	return e.lease(), moved
}

// unbind ends c's hold on ip (RELEASE); false if c did not hold it. The
// entry keeps c as last holder.
func (p *pool) unbind(ip netip.Addr, c ident, now time.Time) (provisioning.Lease, bool) {
	e := p.byIP[ip]
	if e == nil || !e.heldBy(c) || !e.active(now) {
		return provisioning.Lease{}, false
	}
	e.state, e.expires = stateFree, now
	p.fullUntil = time.Time{}
	return e.lease(), true
}

// dropOffer frees ip if it is only offered to c (the client took
// another server's offer); a bound lease stays until it ends.
func (p *pool) dropOffer(ip netip.Addr, c ident, now time.Time) {
	if e := p.byIP[ip]; e != nil && e.state == stateOffered {
		p.unbind(ip, c, now)
	}
}

// decline quarantines ip, which c reported in use by someone else; only
// the client holding ip may decline it, so no one can empty the pool.
func (p *pool) decline(ip netip.Addr, c ident, now time.Time, d time.Duration) (provisioning.Lease, bool) {
	e := p.byIP[ip]
	if e == nil || !e.heldBy(c) || !e.active(now) {
		return provisioning.Lease{}, false
	}
	e = p.take(ip, ident{}, stateDeclined, now.Add(d))
	return e.lease(), true
}

// restore loads a lease from the database: a zero MAC is a quarantine,
// an expired lease a free address that remembers its holder.
func (p *pool) restore(l provisioning.Lease, now time.Time) {
	st := stateBound
	switch {
	case !now.Before(l.Expires):
		st = stateFree
	case l.MAC.IsZero():
		st = stateDeclined
	}
	e := &entry{ip: l.IP, mac: l.MAC, state: st, expires: l.Expires, hostname: l.Hostname, vendorClass: l.VendorClass}
	p.byIP[l.IP] = e
	if old := p.byMAC[l.MAC]; !l.MAC.IsZero() && (old == nil || old.expires.Before(l.Expires)) {
		p.byMAC[l.MAC] = e
	}
}

// counts returns how many addresses are bound and offered at now.
func (p *pool) counts(now time.Time) (bound, offered int) {
	for _, e := range p.byIP {
		if !e.active(now) {
			continue
		}
		switch e.state {
		case stateBound:
			bound++
		case stateOffered:
			offered++
		}
	}
	return bound, offered
}
