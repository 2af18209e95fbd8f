package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// eventsPerPage is one page of the events page.
const eventsPerPage = 50

// eventFilter is the events page's search as the URL carries it; the
// operations layer parses it (ops.EventQuery).
type eventFilter struct {
	MAC, IP, Outcome, Reason, Actor, Since, Until string
	Page                                          int // from 1
	// Before is the last event ID of the page before (the "Older" link):
	// the page is the lines after it in the order shown. A page number
	// alone (an old bookmark) skips lines by count.
	Before string
}

// eventFilterKeys are the URL parameters of the search, in form order.
var eventFilterKeys = []string{"mac", "ip", "outcome", "reason", "actor", "since", "until"}

func readEventFilter(v url.Values) eventFilter {
	f := eventFilter{MAC: v.Get("mac"), IP: v.Get("ip"), Outcome: v.Get("outcome"), Reason: v.Get("reason"),
		Actor: v.Get("actor"), Since: v.Get("since"), Until: v.Get("until"), Page: 1}
	for _, p := range []*string{&f.MAC, &f.IP, &f.Outcome, &f.Reason, &f.Actor, &f.Since, &f.Until} {
		*p = strings.TrimSpace(*p)
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	if f.Page > 1 {
		f.Before = strings.TrimSpace(v.Get("before"))
	}
	return f
}

// query is the search for ops, limit events from the page's first.
func (f eventFilter) query(limit int) ops.EventQuery {
	q := ops.EventQuery{MAC: f.MAC, Since: f.Since, Limit: strconv.Itoa(limit),
		EventSearch: ops.EventSearch{IP: f.IP, Outcome: f.Outcome, Reason: f.Reason, Actor: f.Actor, Until: f.Until}}
	switch {
	case f.Before != "":
		q.Before = f.Before
	case f.Page > 1:
		q.Offset = strconv.Itoa((f.Page - 1) * eventsPerPage)
	}
	return q
}

// values is the search as URL parameters, empty ones left out.
func (f eventFilter) values() url.Values {
	v := url.Values{}
	for i, s := range []string{f.MAC, f.IP, f.Outcome, f.Reason, f.Actor, f.Since, f.Until} {
		if s != "" {
			v.Set(eventFilterKeys[i], s)
		}
	}
	return v
}

// PageURL is the search at page n.
func (f eventFilter) PageURL(n int) string {
	v := f.values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if e := v.Encode(); e != "" {
		return "/events?" + e
	}
	return "/events"
}

// OlderURL is the page after p's: the lines after its last one in the
// order shown, whatever was written meanwhile (lines arriving on top
// would shift a page by number, repeating lines).
func (p eventsPage) OlderURL() string {
	if len(p.Events) == 0 {
		return p.F.PageURL(p.F.Page + 1)
	}
	v := p.F.values()
	v.Set("page", strconv.Itoa(p.F.Page+1))
	v.Set("before", strconv.FormatInt(p.Events[len(p.Events)-1].ID, 10))
	return "/events?" + v.Encode()
}

// CSVURL exports every event the search selects (ops.MaxEvents at most).
func (f eventFilter) CSVURL() string {
	if e := f.values().Encode(); e != "" {
		return "/events.csv?" + e
	}
	return "/events.csv"
}

type eventsPage struct {
	base
	F        eventFilter
	Events   []provisioning.Event
	More     bool // an older page exists
	Outcomes []string
}

// outcomes are the audit trail's common outcomes, offered by the filter.
var outcomes = []string{"refused", "config", "redirect", "common", "not-found", "banned", "locked", "unlocked", "rekeyed",
	"device-added", "device-changed", "device-removed", "device-replaced", "adopted", "imported", "account-added",
	"account-changed", "account-rekeyed", "account-removed", "ban-added", "ban-lifted"}

// events is the audit trail, newest first, filtered and paged on the
// server; the search lives in the URL, so a page can be bookmarked.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	p := eventsPage{base: s.base("Events", "events"), F: readEventFilter(r.URL.Query()), Outcomes: outcomes}
	code := http.StatusOK
	es, err := s.ops.Events(r.Context(), p.F.query(eventsPerPage+1))
	if err != nil {
		code, p.Error = s.statusOf(r, err), err.Error()
	}
	p.More = len(es) > eventsPerPage
	p.Events = es[:min(len(es), eventsPerPage)]
	s.render(w, r, code, "events", p)
}

// eventsCSV exports what the events page's search selects, every page.
func (s *Server) eventsCSV(w http.ResponseWriter, r *http.Request) {
	f := readEventFilter(r.URL.Query())
	f.Page, f.Before = 1, "" // every page: no offset, no cursor
	cw := &csvWriter{w: w}
	if err := s.ops.EventsCSV(r.Context(), cw, f.query(ops.MaxEvents)); err != nil {
		if !cw.started {
			s.fail(w, r, err) // a bad search gets a page, not an empty file
			return
		}
		s.log.Warn("web: writing events CSV", "err", err)
	}
}

// csvWriter sends the CSV headers with the first byte, so an error
// before it can still answer with a page.
type csvWriter struct {
	w       http.ResponseWriter
	started bool
}

func (c *csvWriter) Write(b []byte) (int, error) {
	if !c.started {
		c.started = true
		c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.w.Header().Set("Content-Disposition", `attachment; filename="provbox-events.csv"`)
	}
	return c.w.Write(b)
}

type whyPage struct {
	base
	ops.Why
	ErrText string
}

// why runs explain again on the request an audit line records (the
// "Why?" link of a refused event) and shows each check with its verdict.
func (s *Server) why(w http.ResponseWriter, r *http.Request) {
	y, err := s.ops.WhyEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := whyPage{base: s.base("Why? Event "+strconv.FormatInt(y.Event.ID, 10), "events"), Why: y}
	if y.Err != nil {
		p.ErrText = y.Err.Error()
	}
	s.render(w, r, http.StatusOK, "why", p)
}
