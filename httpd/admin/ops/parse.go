package ops

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// ParseMAC parses a MAC as an admin typed it.
func ParseMAC(s string) (provisioning.MAC, error) {
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		return m, Badf("%v", err)
	}
	return m, nil
}

// ParseFor reads an optional duration; what names it as the surface
// does. "" is 0, which the core reads as its configured default.
func ParseFor(what, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, Badf("%s %q: want a positive duration like \"30m\", \"2h\" or \"24h\"", what, s)
	}
	return d, nil
}

// ParseIP reads an address (an IPv4-mapped IPv6 one as IPv4).
func ParseIP(s string) (netip.Addr, error) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ip, Badf("IP %q is not an address", s)
	}
	return ip.Unmap(), nil
}

// EventQuery selects audit-trail lines, as text: MAC (any spelling),
// Since (RFC 3339) and Limit; "" means any. The search fields are in
// events.go.
type EventQuery struct {
	MAC, Since, Limit string
	EventSearch
}

func (q EventQuery) filter() (provisioning.EventFilter, error) {
	var f provisioning.EventFilter
	var err error
	if q.MAC != "" {
		if f.MAC, err = ParseMAC(q.MAC); err != nil {
			return f, err
		}
	}
	if q.Since != "" {
		if f.Since, err = parseTime("since", q.Since); err != nil {
			return f, err
		}
	}
	if q.Limit != "" {
		if f.Limit, err = strconv.Atoi(q.Limit); err != nil || f.Limit < 0 {
			return f, Badf("limit %q: want a number", q.Limit)
		}
	}
	return q.EventSearch.filter(f)
}

// DeviceInput is a new device as an admin entered it; the core validates
// what it knows (account, vendor, lines, model).
type DeviceInput struct {
	MAC, Account, Vendor, Model string
	IP                          string // DHCP reservation, optional
	Lines                       []provisioning.Line
}

func (in DeviceInput) device() (provisioning.Device, error) {
	m, err := ParseMAC(in.MAC)
	if err != nil {
		return provisioning.Device{}, err
	}
	d := provisioning.Device{MAC: m, Account: in.Account, Vendor: in.Vendor, Model: in.Model, Lines: in.Lines}
	if in.IP != "" {
		if d.IP, err = netip.ParseAddr(in.IP); err != nil || !d.IP.Is4() {
			return d, Badf("device %s: ip %q is not an IPv4 address", m, in.IP)
		}
	}
	return d, nil
}

// ParseBool reads an optional yes/no ("" is no).
func ParseBool(what, s string) (bool, error) {
	switch s {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, Badf("%s %q: want true or false", what, s)
}

// parseTime reads a time as an admin types it: RFC 3339, or in UTC a
// date with hours and minutes ("2026-11-27T08:00", a space for the T
// too) or a date alone (its midnight).
func parseTime(what, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Badf("%s %q: want an RFC 3339 time, or 2006-01-02 or 2006-01-02T15:04 in UTC", what, s)
}
