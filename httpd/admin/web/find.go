package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// listQuery is the devices page's query as the URL carries it.
type listQuery struct{ ops.DeviceQuery }

func readListQuery(v url.Values) listQuery {
	return listQuery{ops.DeviceQuery{Q: v.Get("q"), Account: v.Get("account"), Vendor: v.Get("vendor"),
		State: v.Get("state"), Sort: v.Get("sort"), Desc: v.Get("dir") == "desc", Page: v.Get("page")}}
}

// values is the query as URL parameters, empty ones left out.
func (q listQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "account": q.Account, "vendor": q.Vendor, "state": q.State, "sort": q.Sort, "page": q.Page} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Desc {
		v.Set("dir", "desc")
	}
	return v
}

// URL is the devices page for q.
func (q listQuery) URL() string {
	if e := q.values().Encode(); e != "" {
		return "/devices?" + e
	}
	return "/devices"
}

// SortURL is q sorted by col, from the first page: ascending, or
// descending when already sorted ascending by col.
func (q listQuery) SortURL(col string) string {
	cur := q.Sort
	if cur == "" {
		cur = "mac"
	}
	q.Desc = cur == col && !q.Desc
	q.Sort, q.Page = col, ""
	return q.URL()
}

// SortMark is the arrow of the column q sorts by.
func (q listQuery) SortMark(col string) string {
	cur := q.Sort
	if cur == "" {
		cur = "mac"
	}
	switch {
	case cur != col:
		return ""
	case q.Desc:
		return " ▼"
	}
	return " ▲"
}

// PageURL is q at page n.
func (q listQuery) PageURL(n int) string {
	q.Page = ""
	if n > 1 {
		q.Page = strconv.Itoa(n)
	}
	return q.URL()
}

// listRow is a device as the devices table shows it: no password.
type listRow struct {
	deviceRow
	Lines   []lineView
	Explain stateNote
}

type devicesPage struct {
	base
	Query    listQuery
	Rows     []listRow
	Total    int
	Page     int
	Pages    int
	Accounts []string
	Vendors  []vendorOption
}

func (s *Server) listDevices(w http.ResponseWriter, r *http.Request) {
	p := devicesPage{base: s.base("Devices", "devices"), Query: readListQuery(r.URL.Query())}
	p.Flash = s.flash(r.URL.Query())
	for _, a := range s.svc.Accounts() {
		p.Accounts = append(p.Accounts, a.Name)
	}
	for _, v := range s.svc.Registry().Profiles() {
		p.Vendors = append(p.Vendors, vendorOption{Name: v.Name, Title: v.Title})
	}
	res, err := s.ops.FindDevices(p.Query.DeviceQuery)
	code := http.StatusOK
	if err != nil {
		code, p.Error = s.statusOf(r, err), err.Error()
	}
	p.Total, p.Page, p.Pages = res.Total, res.Page, res.Pages
	now := s.cfg.Now()
	for _, d := range res.Rows {
		lr := listRow{deviceRow: rowOf(d), Explain: explain(d, now, s.lockEvents(r, d))}
		for _, l := range d.Lines {
			lr.Lines = append(lr.Lines, lineView{Extension: l.Extension, DisplayName: l.DisplayName})
		}
		p.Rows = append(p.Rows, lr)
	}
	s.render(w, r, code, "devices", p)
}

// lockEvents are the audit events around d's lock, which tell who took
// it (nil when d is not locked or the trail cannot be read): one indexed
// query per locked device of the page.
func (s *Server) lockEvents(r *http.Request, d ops.DeviceRow) []provisioning.Event {
	if d.State != "locked" || d.LockedAt.IsZero() {
		return nil
	}
	es, err := s.svc.Events(r.Context(), provisioning.EventFilter{MAC: d.MAC, Since: d.LockedAt.Add(-time.Second), Limit: 50})
	if err != nil {
		return nil
	}
	return es
}

// rowOf is d as a table row.
func rowOf(d ops.DeviceRow) deviceRow {
	r := deviceRow{MAC: d.MAC.String(), Account: d.Account, Vendor: d.Vendor, Model: d.Model, State: d.State,
		OpenUntil: d.OpenUntil, LastSeen: d.LastSeen}
	if d.IP.IsValid() {
		r.IP, r.IPNote = d.IP.String(), "reserved"
	} else if d.LeaseIP.IsValid() {
		r.IP, r.IPNote = d.LeaseIP.String(), "lease"
	}
	return r
}

// stateNote says why a device is in its state and since or until when.
type stateNote struct {
	Text string    // "open until", "provisioned at", "locked by admin at", "window expired at", "locked at"
	At   time.Time // zero: no time known
}

// explain derives the state's reason from what the core keeps: an open
// window's end; a lock time; the end of a window that passed with no
// lock taken (the phone never came). The core does not record who took
// a lock: events (the device's recent audit trail, nil on the list)
// tell a provisioning lock from an admin's.
func explain(d ops.DeviceRow, now time.Time, events []provisioning.Event) stateNote {
	switch {
	case d.State == "open":
		return stateNote{"open until", d.OpenUntil}
	case !d.LockedAt.IsZero():
		return stateNote{lockCause(d.LockedAt, events), d.LockedAt}
	case !d.WindowEnd.IsZero() && !d.WindowEnd.After(now):
		return stateNote{"window expired at", d.WindowEnd}
	}
	return stateNote{Text: "locked"}
}

// lockCause reads the lock's cause from the audit trail: an admin's
// "locked" event, or the "config" fetch that took it, within a second
// of the lock.
func lockCause(at time.Time, events []provisioning.Event) string {
	for _, e := range events {
		if d := e.Time.Sub(at); d < -time.Second || d > time.Second {
			continue
		}
		switch {
		case e.Proto == "admin" && e.Outcome == "locked":
			return "locked by admin at"
		case e.Outcome == "config":
			return "provisioned at"
		}
	}
	return "locked at"
}
