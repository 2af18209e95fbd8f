package ops

import (
	"slices"

	"github.com/provbox/provbox/provisioning"
)

// accountChanges names the settings that differ between before and
// after, for the audit line: a form sends every field, and the trail
// must say what the admin actually changed.
func accountChanges(before, after provisioning.Account) string {
	var f []string
	for name, diff := range map[string]bool{"sip_server": before.SIPServer != after.SIPServer,
		"sip_port": before.SIPPort != after.SIPPort, "sip_transport": before.SIPTransport != after.SIPTransport,
		"ntp_server": before.NTPServer != after.NTPServer, "timezone": before.TimeZone != after.TimeZone,
		"language": before.Language != after.Language} {
		if diff {
			f = append(f, name)
		}
	}
	return sortedJoin(f)
}

// deviceChanges names what differs between before and after: account,
// model, ip, lines (anything but a password), line passwords (never the
// values).
func deviceChanges(before, after provisioning.Device) string {
	var f []string
	for name, diff := range map[string]bool{"account": before.Account != after.Account, "model": before.Model != after.Model,
		"ip": before.IP != after.IP && (before.IP.IsValid() || after.IP.IsValid()), "lines": !sameLines(before.Lines, after.Lines, false),
		"line passwords": !sameLines(before.Lines, after.Lines, true)} {
		if diff {
			f = append(f, name)
		}
	}
	return sortedJoin(f)
}

// sameLines compares the lines' passwords only (passwords) or everything
// else.
func sameLines(a, b []provisioning.Line, passwords bool) bool {
	return slices.EqualFunc(a, b, func(x, y provisioning.Line) bool {
		if passwords {
			return x.Password == y.Password
		}
		x.Password, y.Password = "", ""
		return x == y
	})
}
