package web

import (
	"net/http"
	"net/url"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// editRows is how many blank line rows the edit form offers beyond the
// device's lines.
const editRows = 2

type editDevicePage struct {
	base
	MAC      string // the device edited
	Vendor   string // shown, not editable
	Form     deviceForm
	Accounts []string
}

// editDevice is the edit form filled with the device as it is. Password
// fields are always empty: passwords are write-only, a blank one keeps
// the line's password.
func (s *Server) editDevice(w http.ResponseWriter, r *http.Request) {
	v, err := s.ops.Device(r.PathValue("mac"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := deviceForm{MAC: v.MAC.String(), Account: v.Account, Vendor: v.Vendor, Model: v.Model}
	if v.IP.IsValid() {
		f.IP = v.IP.String()
	}
	for _, l := range v.Lines {
		f.Lines = append(f.Lines, lineForm{Extension: l.Extension, AuthUser: l.AuthUser, DisplayName: l.DisplayName, Label: l.Label})
	}
	s.editDevicePage(w, r, http.StatusOK, f, nil)
}

func (s *Server) editDevicePage(w http.ResponseWriter, r *http.Request, code int, f deviceForm, err error) {
	p := editDevicePage{base: s.base("Edit "+f.MAC, "devices"), MAC: f.MAC, Vendor: f.Vendor, Form: f}
	if err != nil {
		p.Error = err.Error()
	}
	want := min(len(p.Form.Lines)+editRows, maxRows)
	for len(p.Form.Lines) < want {
		p.Form.Lines = append(p.Form.Lines, lineForm{})
	}
	for _, a := range s.svc.Accounts() {
		p.Accounts = append(p.Accounts, a.Name)
	}
	s.render(w, r, code, "editdevice", p)
}

// saveDevice applies the edit form: account, model, reservation and the
// lines (replacing them; a blank password keeps the password of the
// line with that extension, which the core looks up).
func (s *Server) saveDevice(w http.ResponseWriter, r *http.Request) {
	f, passwords, err := readDeviceForm(r.PostForm)
	mac := r.PathValue("mac")
	f.MAC = mac
	var v provisioning.DeviceView
	if err == nil {
		v, err = s.ops.EditDevice(r.Context(), mac, ops.DeviceEdit{Account: &f.Account, Model: &f.Model, IP: &f.IP,
			Lines: f.lines(passwords)})
	}
	if err != nil {
		if cur, cerr := s.ops.Device(mac); cerr == nil {
			f.MAC, f.Vendor = cur.MAC.String(), cur.Vendor
		}
		s.editDevicePage(w, r, s.statusOf(r, err), f, err)
		return
	}
	s.log.Info("web: device changed", "mac", v.MAC.String(), "ip", clientIP(r).String())
	seeOther(w, r, "/devices/"+v.MAC.String(), url.Values{"done": {"edited"}, "mac": {v.MAC.String()}})
}

type replacePage struct {
	base
	MAC, NewMAC string
}

// replaceForm asks for the MAC of the phone that replaces the device's.
func (s *Server) replaceForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.ops.Device(r.PathValue("mac"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "replace", replacePage{base: s.base("Replace "+v.MAC.String(), "devices"), MAC: v.MAC.String()})
}

// replace moves the device to the new MAC, keeping its lines and
// settings; the new phone gets a new secret URL and an open window.
func (s *Server) replace(w http.ResponseWriter, r *http.Request) {
	mac, newMAC := r.PathValue("mac"), r.PostFormValue("new_mac")
	v, err := s.ops.ReplaceDevice(r.Context(), mac, newMAC)
	if err != nil {
		p := replacePage{base: s.base("Replace "+mac, "devices"), MAC: mac, NewMAC: newMAC}
		if cur, cerr := s.ops.Device(mac); cerr == nil {
			p.MAC, p.Title = cur.MAC.String(), "Replace "+cur.MAC.String()
		}
		p.Error = err.Error()
		s.render(w, r, s.statusOf(r, err), "replace", p)
		return
	}
	s.log.Info("web: device replaced", "mac", v.MAC.String(), "old", mac, "ip", clientIP(r).String())
	seeOther(w, r, "/devices/"+v.MAC.String(), url.Values{"done": {"replaced"}, "mac": {v.MAC.String()}})
}
