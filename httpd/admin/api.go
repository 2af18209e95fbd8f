package admin

import (
	"net/netip"
	"time"
)

// Status is a summary of the daemon, for `provbox status` and systemd's
// STATUS= line.
type Status struct {
	Version  string `json:"version"`
	Accounts int    `json:"accounts"`
	Devices  int    `json:"devices"`
	Leases   int    `json:"leases"`
	Bans     int    `json:"bans"`
	// Rogues counts the foreign DHCP servers seen on the phones' segments.
	Rogues int `json:"rogue_dhcp_servers"`
	// Node is the DHCP role, database health and peers (node.go).
	Node *NodeInfo `json:"node,omitempty"`
}

// AccountInput creates an account.
type AccountInput struct {
	Name         string `json:"name"`
	SIPServer    string `json:"sip_server,omitempty"`
	SIPPort      int    `json:"sip_port,omitempty"`
	SIPTransport string `json:"sip_transport,omitempty"`
	NTPServer    string `json:"ntp_server,omitempty"`
	TimeZone     string `json:"timezone,omitempty"`
	Language     string `json:"language,omitempty"`
}

// Account is an account as the API shows it: its settings and how many
// devices it has. Its hash is never shown on its own; it is part of each
// device's secret URL.
type Account struct {
	Name         string    `json:"name"`
	SIPServer    string    `json:"sip_server"` // host name or address
	SIPPort      int       `json:"sip_port"`   // 0 means the transport's default
	SIPTransport string    `json:"sip_transport"`
	NTPServer    string    `json:"ntp_server"`
	TimeZone     string    `json:"timezone"` // IANA name, e.g. Europe/Berlin
	Language     string    `json:"language"` // e.g. en, de
	Created      time.Time `json:"created"`
	Devices      int       `json:"devices"`
}

// LineInput is one SIP line of a new device. Unlike the core's Line it
// carries the password in JSON.
type LineInput struct {
	Extension   string `json:"extension"`
	AuthUser    string `json:"auth_user,omitempty"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name,omitempty"`
	Label       string `json:"label,omitempty"`
}

// DeviceInput creates a device. MAC is text so a malformed one is
// reported by the server in its own words.
type DeviceInput struct {
	MAC     string      `json:"mac"`
	Account string      `json:"account"`
	Vendor  string      `json:"vendor"`
	Model   string      `json:"model,omitempty"`
	IP      string      `json:"ip,omitempty"` // DHCP reservation, optional
	Lines   []LineInput `json:"lines,omitempty"`
}

// LineInfo is a SIP line as the API shows it: never with its password.
type LineInfo struct {
	Extension   string `json:"extension"`
	AuthUser    string `json:"auth_user"`
	DisplayName string `json:"display_name"`
	Label       string `json:"label"`
}

// DeviceInfo is a device as the API shows it. Every field is always
// present; the times that do not apply are null.
type DeviceInfo struct {
	MAC       string     `json:"mac"`
	Account   string     `json:"account"`
	Vendor    string     `json:"vendor"`
	Model     string     `json:"model"`
	IP        string     `json:"ip"`
	Lines     []LineInfo `json:"lines"`
	SecretURL string     `json:"secret_url"` // the full HTTP(S) URL phones are redirected to
	TFTPPath  string     `json:"tftp_path"`  // the same secret as a TFTP path
	State     string     `json:"state"`      // "open" or "locked"
	OpenUntil *time.Time `json:"open_until"` // end of the provisioning window; null when locked
	LockedAt  *time.Time `json:"locked_at"`
	Created   time.Time  `json:"created"`
	LastSeen  *time.Time `json:"last_seen"`
	// OldURLs are the secret URLs a rekey retired that still redirect the
	// device's checked phone to SecretURL, oldest first; [] when none.
	OldURLs []OldURLInfo `json:"old_urls"`
}

// OldURLInfo is a retired secret URL in its grace. The path is redacted
// as logs show hashes: the admin learns that it is pending and until when,
// never the old secret.
type OldURLInfo struct {
	Path  string    `json:"path"`  // "/abcd…/wxyz…/"
	Cause string    `json:"cause"` // "device rekey" or "account rekey"
	Since time.Time `json:"since"` // the rekey
	Until time.Time `json:"until"` // the end of its grace
}

// UnlockInput opens provisioning for For (a Go duration like "2h"); empty
// means the configured unlock_window.
type UnlockInput struct {
	For string `json:"for,omitempty"`
}

// BanInput bans an address by hand for For (empty: the configured
// ban_time).
type BanInput struct {
	IP     string `json:"ip"`
	For    string `json:"for,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// errorBody is every error response.
type errorBody struct {
	Error string `json:"error"`
}

// Lease is a DHCP lease as the API shows it.
type Lease struct {
	IP          netip.Addr `json:"ip"`
	MAC         string     `json:"mac"`
	Expires     time.Time  `json:"expires"`
	Hostname    string     `json:"hostname,omitempty"`
	VendorClass string     `json:"vendor_class,omitempty"`
}

// Ban is a refused source as the API shows it: an address (IPv4 /32,
// IPv6 /64) banned from Since until Until, the Count-th ban of it.
// Forgeable: strikes from UDP helped to issue it.
type Ban struct {
	Prefix    netip.Prefix `json:"prefix"`
	Reason    string       `json:"reason"`
	Strikes   int          `json:"strikes"`
	Count     int          `json:"count"`
	Since     time.Time    `json:"since"`
	Until     time.Time    `json:"until"`
	Forgeable bool         `json:"forgeable,omitempty"`
}

// Event is one line of the audit trail as the API shows it. MAC is ""
// (and absent) when no device was identified.
type Event struct {
	ID      int64      `json:"id"`
	Time    time.Time  `json:"time"`
	Proto   string     `json:"proto"` // dhcp, http, https, tftp, admin, ban
	IP      netip.Addr `json:"ip,omitzero"`
	MAC     string     `json:"mac,omitempty"`
	UA      string     `json:"ua,omitempty"`
	File    string     `json:"file,omitempty"`
	Outcome string     `json:"outcome"` // e.g. redirect, config, common, refused, locked, unlocked, banned
	Reason  string     `json:"reason,omitempty"`
	Actor   string     `json:"actor,omitempty"` // who made an admin change: "cli:alice (pid 42)", "web:admin@10.0.0.5"
	// Count is how many identical requests the line stands for (absent:
	// one); Time is then the first, Last the last of them.
	Count int       `json:"count,omitempty"`
	Last  time.Time `json:"last,omitzero"`
}
