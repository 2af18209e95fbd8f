package web

import (
	"net/http"
	"net/url"
	"time"
)

// PendingPhone is an unknown phone that asked to be provisioned, as the
// pending page shows it. The daemon fills it from the core's pending
// list (Config.Pending); nothing is ever served to such a phone.
type PendingPhone struct {
	MAC, Vendor, Model  string
	VendorClass, UA     string // DHCP option 60, the last User-Agent
	IP, Source          string // the last requester address; dhcp, http or https
	FirstSeen, LastSeen time.Time
	Requests            int
}

// AdoptURL is the add-device form pre-filled from the sighting.
func (p PendingPhone) AdoptURL() string {
	v := url.Values{"mac": {p.MAC}, "vendor": {p.Vendor}, "model": {p.Model}, "adopt": {"1"}}
	return "/devices/new?" + v.Encode()
}

type pendingPage struct {
	base
	Tracked bool
	Phones  []PendingPhone
}

// pending answers the pending phones, or false when the daemon wired no
// source (Config.Pending nil).
func (s *Server) pendingPhones() ([]PendingPhone, bool, error) {
	if s.cfg.Pending == nil {
		return nil, false, nil
	}
	ps, err := s.cfg.Pending()
	return ps, true, err
}

func (s *Server) pending(w http.ResponseWriter, r *http.Request) {
	p := pendingPage{base: s.base("Pending phones", "pending")}
	var err error
	if p.Phones, p.Tracked, err = s.pendingPhones(); err != nil {
		p.Error = err.Error()
	}
	s.render(w, r, http.StatusOK, "pending", p)
}
