package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// deviceRow is a device as the devices table shows it.
type deviceRow struct {
	MAC, Account, Vendor, Model string
	State                       string // "open" or "locked"
	OpenUntil, LastSeen         time.Time
	IP                          string
	IPNote                      string // "reserved" or "lease"
}

// lineView is a SIP line as pages show it. It has no password field, so
// no page can show a password.
type lineView struct{ Extension, AuthUser, DisplayName, Label string }

// deviceDetail is the device page: everything but passwords.
type deviceDetail struct {
	deviceRow
	Lines               []lineView
	SecretURL, TFTPPath string
	Created, LockedAt   time.Time
	// OldURLs are retired secret URLs still redirecting the phone after a
	// rekey, redacted: the page never shows an old secret.
	OldURLs []provisioning.OldPath
	Explain stateNote
}

type devicePage struct {
	base
	D      deviceDetail
	Events []provisioning.Event
	// Preview is what the phone would get now, passwords masked
	// (ops.Preview); PreviewErr why there is none.
	Preview    *provisioning.Preview
	PreviewErr string
}

func (s *Server) showDevice(w http.ResponseWriter, r *http.Request) {
	dr, err := s.ops.DeviceRow(r.PathValue("mac"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := dr.DeviceView
	p := devicePage{base: s.base("Device "+v.MAC.String(), "devices")}
	p.Flash = s.flash(r.URL.Query())
	p.D = deviceDetail{deviceRow: rowOf(dr), SecretURL: v.SecretURL, TFTPPath: v.TFTPPath,
		Created: v.Created, LockedAt: v.LockedAt, OldURLs: v.OldPaths}
	for _, l := range v.Lines {
		p.D.Lines = append(p.D.Lines, lineView{Extension: l.Extension, AuthUser: l.AuthUser,
			DisplayName: l.DisplayName, Label: l.Label})
	}
	if p.Events, err = s.svc.Events(r.Context(), provisioning.EventFilter{MAC: v.MAC, Limit: 20}); err != nil {
		p.Error = "The audit trail could not be read: " + err.Error()
	}
	p.D.Explain = explain(dr, s.cfg.Now(), s.lockEvents(r, dr))
	if pv, err := s.ops.Preview(v.MAC.String()); err != nil {
		p.PreviewErr = err.Error()
	} else {
		p.Preview = &pv
	}
	s.render(w, r, http.StatusOK, "device", p)
}

// confirmPage asks before a change that cannot be undone.
type confirmPage struct {
	base
	MAC, Action, Question, Button string
	Post, Back                    string // where the form posts; where Cancel goes
}

// confirm returns the page that asks before action ("rekey" or
// "remove") on the device {mac}.
func (s *Server) confirm(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.ops.Device(r.PathValue("mac"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := confirmPage{base: s.base("Confirm", "devices"), MAC: v.MAC.String(), Action: action}
		p.Post, p.Back = "/devices/"+p.MAC+"/"+action, "/devices/"+p.MAC
		if action == "rekey" {
			p.Question, p.Button = "Give "+p.MAC+" a new secret URL? For rotation_grace, the current one only redirects "+
				"the phone (after every check) to the new one; after that, or with no grace, it stops working and a phone "+
				"that has not moved must be unlocked and provision again (factory reset).", "Rekey"
		} else {
			p.Question, p.Button = "Remove "+p.MAC+"? Its secret URL stops working and the phone can no longer fetch its config.", "Remove"
		}
		s.render(w, r, http.StatusOK, "confirm", p)
	}
}

func (s *Server) unlock(w http.ResponseWriter, r *http.Request) {
	dur, err := ops.ParseFor("unlock for", r.PostFormValue("for"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, "unlocked", func(mac string) (provisioning.MAC, error) {
		return viewMAC(s.ops.UnlockDevice(r.Context(), mac, dur))
	})
}

func (s *Server) lock(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "locked", func(mac string) (provisioning.MAC, error) {
		return viewMAC(s.ops.LockDevice(r.Context(), mac))
	})
}

func (s *Server) rekey(w http.ResponseWriter, r *http.Request) {
	noGrace := r.PostFormValue("no_grace") != ""
	s.act(w, r, "rekeyed", func(mac string) (provisioning.MAC, error) {
		return viewMAC(s.ops.RekeyDevice(r.Context(), mac, noGrace))
	})
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, "removed", func(mac string) (provisioning.MAC, error) { return s.ops.RemoveDevice(r.Context(), mac) })
}

func viewMAC(v provisioning.DeviceView, err error) (provisioning.MAC, error) { return v.MAC, err }

// act runs a change on the device {mac}, logs who did it, and sends the
// browser back: to the device page when the form asks (back=device) and
// the device still exists, else to the devices table.
func (s *Server) act(w http.ResponseWriter, r *http.Request, done string, do func(mac string) (provisioning.MAC, error)) {
	m, err := do(r.PathValue("mac"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: device "+done, "mac", m.String(), "ip", clientIP(r).String())
	path := "/devices"
	if r.PostFormValue("back") == "device" && done != "removed" {
		path = "/devices/" + m.String()
	}
	seeOther(w, r, path, url.Values{"done": {done}, "mac": {m.String()}})
}
