package dhcp

import (
	"slices"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
)

// bootOption is one encoded DHCP option of a boot plan.
type bootOption struct {
	code  uint8
	value []byte
}

// bootOptions encodes the core's boot plan for a client whose parameter
// request list (option 55) is requested: options it did not list are left
// out unless the plan forces them (an empty list asks for all); the
// first entry for a code wins, except that vendor sub-options all go into
// one option 43; the result is ordered by code. A FormURL option's Value,
// if any, is a path appended to the bootstrap URL (Cisco's "$PSN.xml").
func bootOptions(plan provisioning.BootReply, requested []uint8) []bootOption {
	var out []bootOption
	var sub43 []byte
	for _, o := range plan.Options {
		if !o.Force && len(requested) > 0 && !slices.Contains(requested, o.Code) {
			continue
		}
		v, ok := encodeBootOption(plan.Location, o)
		if !ok {
			continue
		}
		if o.Form == profile.FormVendorSub {
			sub43 = append(sub43, v...) // sub-options of one option share it
			continue
		}
		out = appendBootOption(out, bootOption{o.Code, v})
	}
	if len(sub43) > 0 {
		out = appendBootOption(out, bootOption{43, sub43})
	}
	slices.SortStableFunc(out, func(a, b bootOption) int { return int(a.code) - int(b.code) })
	return out
}

// appendBootOption adds o unless an option with its code is already there.
func appendBootOption(opts []bootOption, o bootOption) []bootOption {
	for _, x := range opts {
		if x.code == o.code {
			return opts
		}
	}
	return append(opts, o)
}

// encodeBootOption encodes o for location l; false when it cannot be (no
// host, or no IPv4 address for an address list such as Cisco's option
// 150, or a URL too long for a sub-option).
func encodeBootOption(l provisioning.BootLocation, o profile.BootOption) ([]byte, bool) {
	if l.Bare == "" && o.Form != profile.FormBootFile {
		return nil, false
	}
	switch o.Form {
	case profile.FormURL:
		return []byte(l.URL(o.Value)), true
	case profile.FormHost:
		return []byte(l.Bare), true
	case profile.FormIPList:
		if !l.IPv4.IsValid() {
			return nil, false
		}
		a := l.IPv4.As4()
		return a[:], true
	case profile.FormBootFile:
		return []byte(o.Value), o.Value != ""
	case profile.FormVendorSub:
		u := l.URL(o.Value)
		if len(u) > 255 {
			return nil, false
		}
		return append([]byte{o.SubCode, byte(len(u))}, u...), true
	}
	return nil, false
}
