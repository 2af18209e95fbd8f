package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// PendingPhone is an unknown phone that asked to be provisioned, as the
// pending page shows it, from the core's pending list (or
// Config.Pending); nothing is ever served to such a phone.
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

// pendingPhones answers the pending phones: Config.Pending's, else the
// core's own list; false when the core keeps none.
func (s *Server) pendingPhones() ([]PendingPhone, bool, error) {
	if s.cfg.Pending != nil {
		ps, err := s.cfg.Pending()
		return ps, true, err
	}
	ps, err := s.ops.Pending()
	if errors.Is(err, ops.ErrUnavailable) {
		return nil, false, nil
	}
	out := make([]PendingPhone, len(ps))
	for i, p := range ps {
		out[i] = PendingPhone{MAC: p.MAC.String(), Vendor: p.Vendor, Model: p.Model, VendorClass: p.VendorClass,
			UA: p.UA, Source: p.Source, FirstSeen: p.FirstSeen, LastSeen: p.LastSeen, Requests: p.Requests}
		if p.IP.IsValid() {
			out[i].IP = p.IP.String()
		}
	}
	return out, true, err
}

func (s *Server) pending(w http.ResponseWriter, r *http.Request) {
	p := pendingPage{base: s.base("Pending phones", "pending")}
	var err error
	if p.Phones, p.Tracked, err = s.pendingPhones(); err != nil {
		p.Error = err.Error()
	}
	s.render(w, r, http.StatusOK, "pending", p)
}
