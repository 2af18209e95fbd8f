// Package profile holds what provbox knows about each phone family: the file
// names it asks for, its User-Agent, how DHCP recognises it and which
// options it reads, and the templates of its redirect and full configs.
// It imports only the standard library; the core maps its own types to
// Data.
package profile

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Line is one SIP line as templates see it (1-based Index).
type Line struct {
	Index       int
	Extension   string
	AuthUser    string
	Password    string
	DisplayName string
	Label       string
}

// Data is everything a template may render.
type Data struct {
	MAC    [6]byte
	Vendor string // profile name
	Model  string // may be empty
	// ProvisionURL is the device's secret URL, a directory ending in "/":
	// scheme://host[:port]/<account_hash>/<device_hash>/
	ProvisionURL    string
	ProvisionScheme string // http, https or tftp
	ProvisionHost   string // host[:port] part of ProvisionURL
	ProvisionPath   string // /<account_hash>/<device_hash>/
	SIPServer       string
	SIPPort         int    // 0: the transport's default
	SIPTransport    string // udp, tcp or tls
	NTPServer       string
	TimeZone        string // IANA name
	Language        string
	Lines           []Line
	// UserAgent is the requester's HTTP User-Agent ("" over TFTP): its
	// firmware version picks the key dialect of families with several
	// generations (see Profile.Generation).
	UserAgent string
}

// Kind says how a requested file name relates to a device.
type Kind int

const (
	// None: not a file of this vendor; answered "not found".
	None Kind = iota
	// Primary: the device's own file. At bootstrap it gets the redirect
	// config; at the secret URL, the full config.
	Primary
	// Common: a vendor common or model file; it gets a harmless answer
	// that carries neither credentials nor the secret URL.
	Common
	// Declined: a name this vendor's phones ask for that is answered
	// "not found" on purpose, with no strike: Htek's model file
	// cfg00NN.xml, whose success can stop the phone before it asks for
	// its MAC file (Htek wiki, provisioning order).
	Declined
)

// Match is what a file name tells about the requester.
type Match struct {
	Kind   Kind
	MAC    [6]byte // valid when HasMAC
	HasMAC bool    // the name carries the MAC (e.g. 805ec0112233.cfg)
	Model  string  // the model, where the name carries it (e.g. spa504G.cfg)
}

// UA is what a User-Agent tells about the requester.
type UA struct {
	Model    string
	Firmware string
	MAC      [6]byte // valid when HasMAC
	HasMAC   bool
}

// OptionForm is how a DHCP bootstrap option's value is encoded.
type OptionForm string

const (
	// FormURL: the bootstrap as a URL, "http://host/" or "tftp://host/"
	// depending on the configured bootstrap protocol.
	FormURL OptionForm = "url"
	// FormHost: the bare host (TFTP server name).
	FormHost OptionForm = "host"
	// FormIPList: concatenated 4-byte IPv4 addresses (option 150).
	FormIPList OptionForm = "ip-list"
	// FormBootFile: a boot file name (option 67), from BootOption.Value.
	FormBootFile OptionForm = "bootfile"
	// FormVendorSub: option 43 sub-options, SubCode carrying the URL.
	FormVendorSub OptionForm = "vendor-sub"
)

// BootOption is one option DHCP sends a phone of this vendor; in
// provbox.toml, one [[dhcp.class.option]].
type BootOption struct {
	Code    uint8      `toml:"code"`
	Form    OptionForm `toml:"form"`
	SubCode uint8      `toml:"sub_code"` // FormVendorSub: the sub-option that carries the URL
	Value   string     `toml:"value"`    // FormBootFile: the file name
	// Force sends the option even when the phone left it out of its
	// parameter request list.
	Force bool `toml:"force"`
}

// DHCPRule is how DHCP recognises a phone of this vendor and what it
// sends; in provbox.toml, the keys of a [[dhcp.class]].
type DHCPRule struct {
	ClassPrefixes []string     `toml:"option60_prefix"`   // option 60 prefixes, compared as bytes
	ClassContains []string     `toml:"option60_contains"` // option 60 substrings, compared as bytes (binary safe)
	OUIs          []OUI        `toml:"oui"`
	Options       []BootOption `toml:"option"`
}

// OUI is a vendor's MAC prefix. It parses itself from provbox.toml as 6
// hex digits ("805ec0" or "80:5e:c0").
type OUI [3]byte

func (o *OUI) UnmarshalText(b []byte) error {
	s := string(b)
	digits := strings.NewReplacer(":", "", "-", "", ".", "").Replace(s)
	v, err := hex.DecodeString(digits)
	if err != nil || len(v) != 3 {
		return fmt.Errorf("OUI %q: want 6 hex digits, e.g. \"805ec0\"", s)
	}
	copy(o[:], v)
	return nil
}

func (o OUI) String() string { return hex.EncodeToString(o[:]) }

// MarshalText writes the OUI as UnmarshalText reads it.
func (o OUI) MarshalText() ([]byte, error) { return []byte(o.String()), nil }
