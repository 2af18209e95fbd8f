package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// Line rows the add-device form offers: defaultRows, or what ?lines=
// asks for up to maxRows.
const (
	defaultRows = 4
	maxRows     = 32
)

// deviceForm is the add-device form as entered. Its lines have no
// password field: a form shown again after an error keeps everything
// but the passwords.
type deviceForm struct {
	MAC, Account, Vendor, Model, IP string
	Lines                           []lineForm
	// Adopt: the form came from a pending phone's Adopt, and adds it as
	// an adoption (ops.Adopt: audited "adopted", off the pending list).
	Adopt bool
}

// lineForm is a line row; Label only on the edit form (the add form
// leaves it to the core: the extension).
type lineForm struct{ Extension, AuthUser, DisplayName, Label string }

type vendorOption struct{ Name, Title string }

type addDevicePage struct {
	base
	Form     deviceForm
	Accounts []string
	Vendors  []vendorOption
	MoreRows int // the row count behind the "more lines" link
}

// newDevice is the empty form, or one pre-filled from the query (mac,
// vendor, model): the pending page's Adopt links here with what the
// phone's requests told.
func (s *Server) newDevice(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("lines"))
	f := deviceForm{MAC: strings.TrimSpace(q.Get("mac")), Vendor: q.Get("vendor"), Model: strings.TrimSpace(q.Get("model")),
		Lines: make([]lineForm, rows(n)), Adopt: q.Get("adopt") == "1"}
	s.deviceFormPage(w, r, http.StatusOK, f, nil)
}

func rows(n int) int { return min(max(n, defaultRows), maxRows) }

// deviceFormPage shows the form with f's values and err (nil: none).
func (s *Server) deviceFormPage(w http.ResponseWriter, r *http.Request, code int, f deviceForm, err error) {
	p := addDevicePage{base: s.base("Add device", "new"), Form: f, MoreRows: min(len(f.Lines)+4, maxRows)}
	if f.Adopt {
		p.Title, p.Nav = "Adopt phone", "pending"
	}
	if err != nil {
		p.Error = err.Error()
	}
	for len(p.Form.Lines) < defaultRows {
		p.Form.Lines = append(p.Form.Lines, lineForm{})
	}
	for _, a := range s.svc.Accounts() {
		p.Accounts = append(p.Accounts, a.Name)
	}
	for _, v := range s.svc.Registry().Profiles() {
		p.Vendors = append(p.Vendors, vendorOption{Name: v.Name, Title: v.Title})
	}
	s.render(w, r, code, "adddevice", p)
}

func (s *Server) addDevice(w http.ResponseWriter, r *http.Request) {
	f, passwords, err := readDeviceForm(r.PostForm)
	var d provisioning.DeviceView
	add, done := s.ops.AddDevice, "added"
	if f.Adopt {
		add, done = s.ops.Adopt, "adopted"
	}
	if err == nil {
		d, err = add(r.Context(), f.input(passwords))
	}
	if err != nil {
		s.deviceFormPage(w, r, s.statusOf(r, err), f, err)
		return
	}
	s.log.Info("web: device "+done, "mac", d.MAC.String(), "vendor", d.Vendor, "ip", clientIP(r).String())
	seeOther(w, r, "/devices/"+d.MAC.String(), url.Values{"done": {done}, "mac": {d.MAC.String()}})
}

// readDeviceForm reads the form; line fields come as parallel lists
// (ext, auth, password, name), one entry per row, blank rows included.
func readDeviceForm(v url.Values) (deviceForm, []string, error) {
	f := deviceForm{MAC: strings.TrimSpace(v.Get("mac")), Account: v.Get("account"), Vendor: v.Get("vendor"),
		Model: strings.TrimSpace(v.Get("model")), IP: strings.TrimSpace(v.Get("ip")), Adopt: v.Get("adopt") == "1"}
	ext, auth, pass, name, label := v["ext"], v["auth"], v["password"], v["name"], v["label"]
	if len(auth) != len(ext) || len(pass) != len(ext) || len(name) != len(ext) || len(ext) > maxRows ||
		(label != nil && len(label) != len(ext)) {
		return f, nil, ops.Badf("the form's line rows are incomplete; reload the page and enter the device again")
	}
	for i := range ext {
		l := lineForm{Extension: strings.TrimSpace(ext[i]), AuthUser: strings.TrimSpace(auth[i]), DisplayName: strings.TrimSpace(name[i])}
		if label != nil {
			l.Label = strings.TrimSpace(label[i])
		}
		f.Lines = append(f.Lines, l)
	}
	return f, pass, nil
}

// input is the new device f describes; rows left blank are skipped.
// The operations layer parses MAC and IP, the core validates the rest.
func (f deviceForm) input(passwords []string) ops.DeviceInput {
	return ops.DeviceInput{MAC: f.MAC, Account: f.Account, Vendor: f.Vendor, Model: f.Model, IP: f.IP, Lines: f.lines(passwords)}
}

// lines are f's rows with their passwords, blank rows skipped; never nil
// (on the edit form, no rows left means no lines).
func (f deviceForm) lines(passwords []string) []provisioning.Line {
	ls := []provisioning.Line{}
	for i, l := range f.Lines {
		if l == (lineForm{}) && passwords[i] == "" {
			continue
		}
		ls = append(ls, provisioning.Line{Extension: l.Extension, AuthUser: l.AuthUser,
			Password: passwords[i], DisplayName: l.DisplayName, Label: l.Label})
	}
	return ls
}
