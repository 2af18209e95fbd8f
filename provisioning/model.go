package provisioning

import (
	"net/netip"
	"time"
)

// Transport is a SIP transport.
type Transport string

// The SIP transports phones understand.
const (
	UDP Transport = "udp"
	TCP Transport = "tcp"
	TLS Transport = "tls"
)

// Account groups devices that share SIP and time settings. Its Hash is the
// first component of every secret URL of its devices.
type Account struct {
	Name         string    `json:"name"`
	Hash         Hash      `json:"-"`
	SIPServer    string    `json:"sip_server"` // host name or address
	SIPPort      int       `json:"sip_port"`   // 0 means the transport's default
	SIPTransport Transport `json:"sip_transport"`
	NTPServer    string    `json:"ntp_server"`
	TimeZone     string    `json:"timezone"` // IANA name, e.g. Europe/Berlin
	Language     string    `json:"language"` // e.g. en, de
	Created      time.Time `json:"created"`
}

// Line is one SIP registration on a phone.
type Line struct {
	Extension   string `json:"extension"`
	AuthUser    string `json:"auth_user"`
	Password    string `json:"-"`
	DisplayName string `json:"display_name"`
	Label       string `json:"label"`
}

// Device is one phone, known by MAC across all accounts.
type Device struct {
	MAC     MAC        `json:"mac"`
	Account string     `json:"account"`
	Vendor  string     `json:"vendor"`
	Model   string     `json:"model"`
	Lines   []Line     `json:"lines"`
	Hash    Hash       `json:"-"`
	IP      netip.Addr `json:"ip,omitzero"` // DHCP reservation, if any
	// OpenUntil is the end of the initial-provisioning window; zero once
	// the device is locked.
	OpenUntil time.Time `json:"open_until,omitzero"`
	LockedAt  time.Time `json:"locked_at,omitzero"`
	Created   time.Time `json:"created"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
}

// Open reports whether initial provisioning is open at now: the window is
// set and has not ended.
func (d *Device) Open(now time.Time) bool {
	return !d.OpenUntil.IsZero() && now.Before(d.OpenUntil)
}

// State is "open" or "locked" at now.
func (d *Device) State(now time.Time) string {
	if d.Open(now) {
		return "open"
	}
	return "locked"
}

// Lease binds an address to a MAC until Expires; the DHCP server owns the
// allocation, the core keeps a copy for the fingerprint's lease check.
type Lease struct {
	IP          netip.Addr `json:"ip"`
	MAC         MAC        `json:"mac"`
	Expires     time.Time  `json:"expires"`
	Hostname    string     `json:"hostname,omitempty"`
	VendorClass string     `json:"vendor_class,omitempty"`
}

// Ban is a refused source: an address (IPv4 /32, IPv6 /64) banned from
// Since until Until, the Count-th ban of that source.
type Ban struct {
	Prefix  netip.Prefix `json:"prefix"`
	Reason  string       `json:"reason"`
	Strikes int          `json:"strikes"`
	Count   int          `json:"count"`
	Since   time.Time    `json:"since"`
	Until   time.Time    `json:"until"`
	// Forgeable: strikes from UDP (whose source can be forged) helped to
	// issue it; it is lifted when the address proves to hold a known device.
	Forgeable bool `json:"forgeable,omitempty"`
}

// Event is one line of the audit trail.
type Event struct {
	ID      int64      `json:"id"`
	Time    time.Time  `json:"time"`
	Proto   string     `json:"proto"` // dhcp, http, https, tftp, admin, ban
	IP      netip.Addr `json:"ip,omitzero"`
	MAC     MAC        `json:"mac,omitzero"` // zero when no device was identified
	UA      string     `json:"ua,omitempty"`
	File    string     `json:"file,omitempty"`
	Outcome string     `json:"outcome"` // e.g. redirect, config, common, refused, locked, unlocked, banned
	Reason  string     `json:"reason,omitempty"`
	Actor   string     `json:"actor,omitempty"` // who made an admin change (Actor.String)
	// Count is how many identical requests this line stands for: the
	// event writer folds repeats of one request answered the same way
	// within one batch into one line (events.go). 0 reads as 1. Time is
	// then the first of them, Last the last (zero when Count <= 1).
	Count int       `json:"count,omitempty"`
	Last  time.Time `json:"last,omitzero"`
	// Once, when set, names what the line records so that it is written
	// once whichever node writes it first (the end of a ban every node
	// holds); the store skips a line whose Once it already has. Not read
	// back.
	Once string `json:"-"`
}

// Times is the number of occurrences e stands for (at least 1).
func (e Event) Times() int { return max(e.Count, 1) }

// EventFilter selects audit-trail lines, newest first.
type EventFilter struct {
	MAC   MAC       // zero: any
	Since time.Time // zero: any
	Limit int       // 0: a default cap
	// The admin's search (events page, `provbox events`); zero: any.
	IP       netip.Addr // the requester (an IPv6 requester: its address exactly)
	Outcome  string     // exactly, e.g. refused
	Reason   string     // a prefix, e.g. "unknown-mac" matches "unknown-mac 80:5e:…"
	Actor    string     // a prefix of Event.Actor, e.g. "web:" or "cli:alice"
	Until    time.Time  // before this time
	BeforeID int64      // after this event in the order shown (time, then ID): the next page after the last ID seen
	Offset   int        // skip this many (paging by number)
	ID       int64      // exactly this line (the "Why?" of one event)
	// Since and Until select the lines whose requests overlap [Since,
	// Until): a line of folded repeats by its last request for Since, by
	// its first for Until.
}
