// Package dhcp is provbox's DHCPv4 server, on github.com/insomniacslk/dhcp.
// It leases addresses on the phone LAN and points every phone at the
// bootstrap endpoint in the form its vendor reads (options 66, 67, 150,
// 160, 43), as decided by the provisioning core's Boot.
//
// Configuration ([dhcp] in provbox.toml, mapped onto Config by cmd/provbox):
//
//	[dhcp]
//	enabled = true
//	interfaces = ["eth1"]        # one socket per interface (SO_BINDTODEVICE)
//	bootstrap = "http"           # option 66 default: http://<advertise>/ or <advertise>
//	lease_time = "12h"
//	authoritative = true         # NAK addresses that are wrong for the network
//
//	[[dhcp.subnet]]
//	cidr = "10.20.0.0/24"
//	range = "10.20.0.100-10.20.0.250"
//	router = "10.20.0.1"
//	dns = ["10.20.0.1"]
//	ntp = ["10.20.0.1"]          # option 42
//	domain = "office.lan"
//	lease_time = "24h"           # optional, per subnet
//	relays = ["10.20.0.1"]       # relay agents accepted for this subnet
//
//	[[dhcp.reservation]]
//	mac = "80:5e:c0:11:22:33"
//	ip = "10.20.0.10"
//	hostname = "reception"
//
// Behaviour (RFC 2131): DISCOVER gets an OFFER held in memory for
// Config.OfferHold; REQUEST is answered in the SELECTING, INIT-REBOOT,
// RENEWING and REBINDING states; a request for an address the client may
// not have is NAKed when authoritative (silently ignored otherwise); a NAK
// that is not relayed is broadcast (section 4.1); DECLINE quarantines the
// address for Config.DeclineHold; RELEASE frees it; INFORM gets the
// network's options and no lease, at ciaddr, or through the relay when a
// relay forwards one without ciaddr (a direct INFORM without ciaddr has
// nowhere to go and is not answered). Every reply echoes option 61
// (RFC 6842).
//
// Client identity: when a request carries a client identifier (option 61)
// it identifies the client for its lease (binding, RELEASE, DECLINE, NAK
// decisions: RFC 2131 section 4.2); chaddr does only when option 61 is
// absent. A lease and a request match when their identifiers are equal,
// or, when either has none, their chaddrs are (a lease restored from the
// database stores no identifier, so its MAC stands in until the client
// binds again). Devices and reservations stay keyed by MAC: a phone that
// sends option 61 is still its chaddr to the provisioning core, so it gets
// its reservation and its vendor's boot options by the MAC on its label,
// and its lease by its identifier. A request with an all-zero chaddr is
// served when option 61 identifies it, else dropped and counted
// (Server.Unidentified, and a warning once a minute).
//
// INIT-REBOOT (section 4.3.2): with a record of the client (its lease,
// current or past, by the rule above) the requested address is ACKed if it
// is the client's and NAKed if not, authoritative or not. With no record,
// a non-authoritative server stays silent ("MUST remain silent"); an
// authoritative one ACKs the address only if it is free in our own range
// and no other host answers ARP for it on the client's link (checked with
// two ARP requests, 250 ms each; the client's own answer does not count),
// and NAKs it otherwise, including for relayed clients, whose link we
// cannot probe. That ACK is what keeps phones online when the database was
// lost; the ARP check keeps it from handing out an address some host uses.
// authoritative is [dhcp] authoritative in provbox.toml (default true).

// Forgery (DHCP is unauthenticated): a relayed request (giaddr set) is
// accepted only when its UDP source is one of its subnet's Relays; a
// subnet with none listed takes no relayed requests (fail closed). Drops
// are counted (Server.RelayRefused), logged once a minute, and audited
// against the device when chaddr is a known one. A known device's lease is
// never moved to another address of its subnet while the device is online
// (it was ACKed within half its lease time, or its lease still runs and
// its address answers ARP; a relayed client's link cannot be asked, which
// counts as online): such a REQUEST, whatever its
// state or client identifier, gets a NAK "lease-move refused" and an
// audit line; moving onto the device's reservation is allowed, and a
// DECLINE is honoured (a phone that found its address taken must move).
//
// Subnets: a relayed request is served from the subnet containing its
// giaddr and answered to the relay on port 67; a direct one from the subnet
// containing an address of the interface it arrived on. Replies to clients
// without an address are broadcast (no AF_PACKET unicast to chaddr).
//
// Addresses: a client's reservation (TOML first, then the device address
// in the state database), else its previous address, else the one it asks
// for, else a never-used one, else the first free one. Reserved addresses
// never leave their owners, so pool exhaustion cannot lock out a reserved
// phone; exhaustion is logged once a minute per subnet.
//
// Durability: an ACK is sent only after the core reported its lease
// durable (Core.CommitLease returned, or the core's CommitLeaseAsync
// called back), i.e. after the lease is in the database and survives
// kill -9; concurrent commits share one transaction. An ACK is sent from
// the group commit's callback, with no goroutine waiting per lease; a
// packet that must wait otherwise (an ARP probe) gets its own goroutine. RELEASE and DECLINE are stored the same way (a released
// lease is kept with its expiry set to now, so the client gets the address
// back; a quarantine is a lease with a zero MAC). OFFERs are not stored.
// At start the server restores the core's leases; expired ones are free.
package dhcp
