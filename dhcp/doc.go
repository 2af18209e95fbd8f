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
//
//	[[dhcp.reservation]]
//	mac = "80:5e:c0:11:22:33"
//	ip = "10.20.0.10"
//	hostname = "reception"
//
// Behaviour (RFC 2131): DISCOVER gets an OFFER held in memory for
// Config.OfferHold; REQUEST is answered in the SELECTING, INIT-REBOOT,
// RENEWING and REBINDING states; a request for an address the client may
// not have is NAKed when authoritative (silently ignored otherwise);
// DECLINE quarantines the address for Config.DeclineHold; RELEASE frees it;
// INFORM gets the network's options and no lease. An INIT-REBOOT client
// asking for a free address of its network gets it even if we have no
// record of it (a lost database must not take a phone offline).
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
// Durability: an ACK is sent only after Core.CommitLease returned, i.e.
// after the lease is in the database and survives kill -9; each packet is
// handled in its own goroutine so that concurrent commits share one
// transaction. RELEASE and DECLINE are stored the same way (a released
// lease is kept with its expiry set to now, so the client gets the address
// back; a quarantine is a lease with a zero MAC). OFFERs are not stored.
// At start the server restores the core's leases; expired ones are free.
package dhcp
