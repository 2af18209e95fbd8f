package ops

import (
	"cmp"
	"encoding/hex"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// PageSize is how many devices one page of FindDevices holds.
const PageSize = 50

// DeviceSorts are the columns FindDevices sorts by.
var DeviceSorts = []string{"mac", "account", "vendor", "model", "lines", "state", "last_seen", "ip", "created"}

// DeviceQuery selects, sorts and pages devices, as text from a URL:
// Q matches the MAC in any spelling (colons, dashes, dots or none; a
// part is enough), a line's extension or display name, and the model,
// case-insensitively. Account, Vendor and State ("open", "locked") must
// match exactly; "" means any. Sort is one of DeviceSorts ("" : mac),
// Desc reverses it, Page counts from 1 ("" : 1).
type DeviceQuery struct {
	Q, Account, Vendor, State, Sort, Page string
	Desc                                  bool
}

// DeviceRow is a device with the address it has: its reservation, else
// its DHCP lease (LeaseIP).
type DeviceRow struct {
	provisioning.DeviceView
	LeaseIP netip.Addr
	// WindowEnd is the end of the last provisioning window, kept when
	// it has passed (the view clears OpenUntil then): with LockedAt
	// zero it says when the window expired without a phone.
	WindowEnd time.Time
}

// Addr is the device's address: the reservation, else the lease.
func (r DeviceRow) Addr() netip.Addr {
	if r.IP.IsValid() {
		return r.IP
	}
	return r.LeaseIP
}

// DevicePage is one page of a device search.
type DevicePage struct {
	Rows               []DeviceRow
	Total, Page, Pages int // matches, this page (from 1), pages (at least 1)
	Sort               string
	Desc               bool
}

// FindDevices answers the page q asks for. A bad sort, state or page is
// an ErrBadInput naming it.
func (o *Ops) FindDevices(q DeviceQuery) (DevicePage, error) {
	p := DevicePage{Sort: cmp.Or(q.Sort, "mac"), Desc: q.Desc, Page: 1}
	if _, err := q.check(); err != nil {
		return p, err
	}
	if q.Page != "" {
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 {
			return p, Badf("page %q: want a number from 1", q.Page)
		}
		p.Page = n
	}
	rows := o.matchDevices(q, p.Sort, p.Desc)
	p.Total = len(rows)
	p.Pages = max(1, (p.Total+PageSize-1)/PageSize)
	lo := min((p.Page-1)*PageSize, p.Total)
	for _, r := range rows[lo:min(lo+PageSize, p.Total)] {
		p.Rows = append(p.Rows, *r)
	}
	return p, nil
}

// check validates q's sort and state and answers the sort column.
func (q DeviceQuery) check() (string, error) {
	sort := cmp.Or(q.Sort, "mac")
	if !slices.Contains(DeviceSorts, sort) {
		return sort, Badf("sort %q: want one of %s", q.Sort, strings.Join(DeviceSorts, ", "))
	}
	if q.State != "" && q.State != "open" && q.State != "locked" {
		return sort, Badf("state %q: want open or locked", q.State)
	}
	return sort, nil
}

// MatchDevices is every device q selects (all pages), sorted, for an
// export; q.Page is ignored.
func (o *Ops) MatchDevices(q DeviceQuery) ([]DeviceRow, error) {
	sort, err := q.check()
	if err != nil {
		return nil, err
	}
	rows := o.matchDevices(q, sort, q.Desc)
	out := make([]DeviceRow, len(rows))
	for i, r := range rows {
		out[i] = *r
	}
	return out, nil
}

func (o *Ops) matchDevices(q DeviceQuery, sort string, desc bool) []*DeviceRow {
	match := matcher(q.Q)
	leases := o.leaseIPs()
	all := o.svc.Devices()
	// One backing array and a slice of pointers to sort: the rows are
	// large, and an office of 10,000 phones must page in milliseconds.
	store := make([]DeviceRow, 0, len(all))
	rows := make([]*DeviceRow, 0, len(all))
	for _, d := range all {
		if (q.Account != "" && d.Account != q.Account) || (q.Vendor != "" && d.Vendor != q.Vendor) || !match(d) {
			continue
		}
		v := o.svc.View(d)
		if q.State != "" && v.State != q.State {
			continue
		}
		store = append(store, DeviceRow{DeviceView: v, LeaseIP: leases[d.MAC], WindowEnd: d.OpenUntil})
		rows = append(rows, &store[len(store)-1])
	}
	sortRows(rows, sort, desc)
	return rows
}

func (o *Ops) leaseIPs() map[provisioning.MAC]netip.Addr {
	out := map[provisioning.MAC]netip.Addr{}
	for _, l := range o.svc.Leases() {
		out[l.MAC] = l.IP
	}
	return out
}

// matcher is the search q as a test on a device.
func matcher(q string) func(provisioning.Device) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return func(provisioning.Device) bool { return true }
	}
	macPart := macDigits(q) // "" unless q could be (part of) a MAC
	return func(d provisioning.Device) bool {
		if macPart != "" && strings.Contains(hex.EncodeToString(d.MAC[:]), macPart) {
			return true
		}
		if containsFold(d.Model, q) {
			return true
		}
		for _, l := range d.Lines {
			if containsFold(l.Extension, q) || containsFold(l.DisplayName, q) {
				return true
			}
		}
		return false
	}
}

// macDigits is q without MAC separators if what is left is hex digits
// (at least two), else "".
func macDigits(q string) string {
	var b strings.Builder
	for _, c := range q {
		switch {
		case c == ':' || c == '-' || c == '.' || c == ' ':
		case ('0' <= c && c <= '9') || ('a' <= c && c <= 'f'):
			b.WriteRune(c)
		default:
			return ""
		}
	}
	if b.Len() < 2 {
		return ""
	}
	return b.String()
}

// containsFold is strings.Contains ignoring case; q is lower case.
func containsFold(s, q string) bool {
	return len(s) >= len(q) && strings.Contains(strings.ToLower(s), q)
}

// sortRows orders rows by column, then by MAC so the order is total.
func sortRows(rows []*DeviceRow, column string, desc bool) {
	by := rowOrder(column)
	slices.SortFunc(rows, func(a, b *DeviceRow) int {
		c := by(a, b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = slices.Compare(a.MAC[:], b.MAC[:])
		}
		return c
	})
}

func rowOrder(column string) func(a, b *DeviceRow) int {
	switch column {
	case "account":
		return func(a, b *DeviceRow) int { return strings.Compare(a.Account, b.Account) }
	case "vendor":
		return func(a, b *DeviceRow) int { return strings.Compare(a.Vendor, b.Vendor) }
	case "model":
		return func(a, b *DeviceRow) int { return strings.Compare(a.Model, b.Model) }
	case "lines":
		return func(a, b *DeviceRow) int { return strings.Compare(firstExt(a), firstExt(b)) }
	case "state":
		return func(a, b *DeviceRow) int {
			return cmp.Or(strings.Compare(a.State, b.State), a.OpenUntil.Compare(b.OpenUntil))
		}
	case "last_seen":
		return func(a, b *DeviceRow) int { return a.LastSeen.Compare(b.LastSeen) }
	case "created":
		return func(a, b *DeviceRow) int { return a.Created.Compare(b.Created) }
	case "ip":
		return func(a, b *DeviceRow) int { return a.Addr().Compare(b.Addr()) }
	}
	return func(*DeviceRow, *DeviceRow) int { return 0 } // mac: the tie-break does it
}

func firstExt(r *DeviceRow) string {
	if len(r.Lines) == 0 {
		return ""
	}
	return r.Lines[0].Extension
}

// DeviceRow is the device mac with its address and window end, as
// FindDevices shows it.
func (o *Ops) DeviceRow(mac string) (DeviceRow, error) {
	m, err := ParseMAC(mac)
	if err != nil {
		return DeviceRow{}, err
	}
	d, err := o.svc.Device(m)
	if err != nil {
		return DeviceRow{}, err
	}
	return DeviceRow{DeviceView: o.svc.View(d), LeaseIP: o.leaseIPs()[m], WindowEnd: d.OpenUntil}, nil
}
