package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates under templates/, each a "content" block
// inside layout.html; parts.html holds what several pages share.
var pageNames = []string{"devices", "device", "adddevice", "confirm", "accounts", "leases", "bans", "events", "error", "login", "bulkconfirm", "import", "dashboard", "pending",
	"editdevice", "replace", "account", "why"}

// base is what the layout needs on every page.
type base struct {
	Title string
	Nav   string // the menu entry to highlight
	CSRF  string // the form token, for every POST form
	Flash string // what the last action did
	Error string // what went wrong, shown above the content
	Anon  bool   // not logged in: no menu, no logout
}

func (s *Server) parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{"when": when, "left": s.left, "inc": func(i int) int { return i + 1 },
		"dec": func(i int) int { return i - 1 }, "sortColumns": func() []sortColumn { return sortColumns },
		"exportQuery": exportQuery}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html",
			"templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("web page failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error rendering the page; see the log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes()) //nolint:errcheck // the browser went away
}

// base fills the layout's fields for a page.
func (s *Server) base(title, nav string) base {
	return base{Title: title, Nav: nav, CSRF: s.token}
}

// errorPage shows err on its own page with code.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, code int, err error) {
	b := s.base(http.StatusText(code), "")
	b.Error = err.Error()
	s.render(w, r, code, "error", b)
}

// statusOf is the HTTP status the admin operations give err; anything
// unexpected is logged, being our fault.
func (s *Server) statusOf(r *http.Request, err error) int {
	code, ok := ops.Status(err)
	if !ok {
		s.log.Error("web request failed", "path", r.URL.Path, "ip", clientIP(r).String(), "err", err)
	}
	return code
}

// fail shows a failed action's error on its own page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.errorPage(w, r, s.statusOf(r, err), err)
}

// when formats a time for people: a <time> element in UTC that
// static/time.js rewrites into the browser's zone; "" when unset.
func when(t time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	return template.HTML(`<time datetime="` + u.Format(time.RFC3339) + `">` + u.Format("2006-01-02 15:04:05") + ` UTC</time>`)
}

// left is how long until t, to the minute ("" once past).
func (s *Server) left(t time.Time) string {
	d := t.Sub(s.cfg.Now())
	if t.IsZero() || d <= 0 {
		return ""
	}
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "<1m"
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// sortColumn is a devices table header that sorts.
type sortColumn struct{ Key, Title string }

var sortColumns = []sortColumn{{"mac", "MAC"}, {"account", "Account"}, {"vendor", "Vendor"}, {"model", "Model"},
	{"lines", "Lines"}, {"state", "State"}, {"last_seen", "Last seen"}, {"ip", "IP"}}

// exportQuery is the filter part of a devices page URL, for the export
// link: the same devices, every page.
func exportQuery(pageURL string) string {
	_, q, _ := strings.Cut(pageURL, "?")
	v, _ := url.ParseQuery(q)
	v.Del("page")
	return v.Encode()
}
