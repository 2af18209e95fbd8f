package admin

import (
	"fmt"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// The one place where core types become the API's wire types: a core
// field renamed changes this file, never the /v1 format.

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// deviceInfo converts the core's view of a device.
func deviceInfo(v provisioning.DeviceView) DeviceInfo {
	info := DeviceInfo{
		MAC: v.MAC.String(), Account: v.Account, Vendor: v.Vendor, Model: v.Model,
		Lines: make([]LineInfo, 0, len(v.Lines)), SecretURL: v.SecretURL, TFTPPath: v.TFTPPath, State: v.State,
		OpenUntil: timePtr(v.OpenUntil), LockedAt: timePtr(v.LockedAt), Created: v.Created, LastSeen: timePtr(v.LastSeen),
		OldURLs: make([]OldURLInfo, 0, len(v.OldPaths)),
	}
	for _, p := range v.OldPaths {
		info.OldURLs = append(info.OldURLs, OldURLInfo{Path: p.Shown, Cause: p.Cause, Since: p.Since, Until: p.Until})
	}
	if v.IP.IsValid() {
		info.IP = v.IP.String()
	}
	for _, l := range v.Lines {
		info.Lines = append(info.Lines, LineInfo{Extension: l.Extension, AuthUser: l.AuthUser,
			DisplayName: l.DisplayName, Label: l.Label})
	}
	return info
}

func accountInfo(a ops.Account) Account {
	return Account{Name: a.Name, SIPServer: a.SIPServer, SIPPort: a.SIPPort, SIPTransport: string(a.SIPTransport),
		NTPServer: a.NTPServer, TimeZone: a.TimeZone, Language: a.Language, Created: a.Created, Devices: a.Devices}
}

// coreAccount is the core's Account for in; the core validates it.
func coreAccount(in AccountInput) provisioning.Account {
	return provisioning.Account{Name: in.Name, SIPServer: in.SIPServer, SIPPort: in.SIPPort,
		SIPTransport: provisioning.Transport(in.SIPTransport), NTPServer: in.NTPServer, TimeZone: in.TimeZone,
		Language: in.Language}
}

// deviceInput is the operations layer's input for in.
func deviceInput(in DeviceInput) ops.DeviceInput {
	d := ops.DeviceInput{MAC: in.MAC, Account: in.Account, Vendor: in.Vendor, Model: in.Model, IP: in.IP}
	for _, l := range in.Lines {
		d.Lines = append(d.Lines, provisioning.Line{Extension: l.Extension, AuthUser: l.AuthUser,
			Password: l.Password, DisplayName: l.DisplayName, Label: l.Label})
	}
	return d
}

func leaseInfo(l provisioning.Lease) Lease {
	return Lease{IP: l.IP, MAC: l.MAC.String(), Expires: l.Expires, Hostname: l.Hostname, VendorClass: l.VendorClass}
}

func banInfo(b provisioning.Ban) Ban {
	return Ban{Prefix: b.Prefix, Reason: b.Reason, Strikes: b.Strikes, Count: b.Count, Since: b.Since, Until: b.Until,
		Forgeable: b.Forgeable}
}

func eventInfo(e provisioning.Event) Event {
	out := Event{ID: e.ID, Time: e.Time, Proto: fmt.Sprint(e.Proto), IP: e.IP, UA: e.UA, File: e.File,
		Outcome: e.Outcome, Reason: e.Reason, Actor: e.Actor, Count: e.Count, Last: e.Last}
	if !e.MAC.IsZero() {
		out.MAC = e.MAC.String()
	}
	return out
}

// each converts a list; never nil, so JSON says [] for none.
func each[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
