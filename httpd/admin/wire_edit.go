package admin

import (
	"net/netip"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// PendingInfo is an unknown phone that asked, as the API shows it.
type PendingInfo struct {
	MAC         string     `json:"mac"`
	Vendor      string     `json:"vendor"`
	Model       string     `json:"model"`
	VendorClass string     `json:"vendor_class"` // DHCP option 60, printable part
	UA          string     `json:"ua"`
	OUI         string     `json:"oui"`
	IP          netip.Addr `json:"ip,omitzero"` // the last bootstrap requester
	Source      string     `json:"source"`      // dhcp, http, https
	FirstSeen   time.Time  `json:"first_seen"`
	LastSeen    time.Time  `json:"last_seen"`
	Requests    int        `json:"requests"`
}

// AdoptInput adds a pending phone; vendor and model default to what it
// told.
type AdoptInput struct {
	Account string      `json:"account"`
	Vendor  string      `json:"vendor,omitempty"`
	Model   string      `json:"model,omitempty"`
	IP      string      `json:"ip,omitempty"`
	Lines   []LineInput `json:"lines,omitempty"`
}

// AccountEditInput changes an account; absent fields stay.
type AccountEditInput struct {
	SIPServer    *string `json:"sip_server,omitempty"`
	SIPPort      *int    `json:"sip_port,omitempty"`
	SIPTransport *string `json:"sip_transport,omitempty"`
	NTPServer    *string `json:"ntp_server,omitempty"`
	TimeZone     *string `json:"timezone,omitempty"`
	Language     *string `json:"language,omitempty"`
}

// AccountRemoved answers an account removal with the devices it took.
type AccountRemoved struct {
	Removed string   `json:"removed"`
	Devices []string `json:"devices"`
}

// DeviceEditInput changes a device; absent fields stay. Lines replace the
// device's lines; a line without a password keeps the one of the current
// line with its extension. IP "" removes the reservation.
type DeviceEditInput struct {
	Account *string      `json:"account,omitempty"`
	Model   *string      `json:"model,omitempty"`
	IP      *string      `json:"ip,omitempty"`
	Lines   *[]LineInput `json:"lines,omitempty"`
}

// ReplaceInput names the new phone's MAC.
type ReplaceInput struct {
	NewMAC string `json:"new_mac"`
}

// PreviewInfo is what a phone would get now, passwords masked.
type PreviewInfo struct {
	MAC         string `json:"mac"`
	Vendor      string `json:"vendor"`
	File        string `json:"file"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

func pendingInfo(p provisioning.Pending) PendingInfo {
	return PendingInfo{MAC: p.MAC.String(), Vendor: p.Vendor, Model: p.Model, VendorClass: p.VendorClass, UA: p.UA,
		OUI: p.OUI, IP: p.IP, Source: p.Source, FirstSeen: p.FirstSeen, LastSeen: p.LastSeen, Requests: p.Requests}
}

func adoptInput(mac string, in AdoptInput) ops.DeviceInput {
	return deviceInput(DeviceInput{MAC: mac, Account: in.Account, Vendor: in.Vendor, Model: in.Model, IP: in.IP, Lines: in.Lines})
}

func accountEdit(in AccountEditInput) ops.AccountEdit {
	return ops.AccountEdit{SIPServer: in.SIPServer, SIPPort: in.SIPPort, SIPTransport: in.SIPTransport,
		NTPServer: in.NTPServer, TimeZone: in.TimeZone, Language: in.Language}
}

func deviceEdit(in DeviceEditInput) ops.DeviceEdit {
	e := ops.DeviceEdit{Account: in.Account, Model: in.Model, IP: in.IP}
	if in.Lines != nil {
		e.Lines = deviceInput(DeviceInput{Lines: *in.Lines}).Lines
		if e.Lines == nil {
			e.Lines = []provisioning.Line{} // no lines: an empty list, not "unchanged"
		}
	}
	return e
}

func previewInfo(p provisioning.Preview) PreviewInfo {
	return PreviewInfo{MAC: p.MAC.String(), Vendor: p.Vendor, File: p.File, ContentType: p.ContentType, Body: string(p.Body)}
}
