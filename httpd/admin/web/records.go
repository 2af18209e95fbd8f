package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/provbox/provbox/provisioning"
)

type leaseRow struct {
	IP, MAC, Hostname, VendorClass string
	Known                          bool // a device with this MAC exists
	Expires                        time.Time
}

type leasesPage struct {
	base
	DHCP   bool // the DHCP server runs
	Leases []leaseRow
}

func (s *Server) leases(w http.ResponseWriter, r *http.Request) {
	p := leasesPage{base: s.base("Leases", "leases"), DHCP: s.cfg.DHCP.Enabled}
	known := map[provisioning.MAC]bool{}
	for _, d := range s.svc.Devices() {
		known[d.MAC] = true
	}
	for _, l := range s.ops.Leases() {
		p.Leases = append(p.Leases, leaseRow{IP: l.IP.String(), MAC: l.MAC.String(), Hostname: l.Hostname,
			VendorClass: l.VendorClass, Known: known[l.MAC], Expires: l.Expires})
	}
	s.render(w, r, http.StatusOK, "leases", p)
}

type bansPage struct {
	base
	Bans []provisioning.Ban
}

func (s *Server) bans(w http.ResponseWriter, r *http.Request) {
	p := bansPage{base: s.base("Bans", "bans")}
	p.Flash = s.flash(r.URL.Query())
	var err error
	if p.Bans, err = s.ops.Bans(); err != nil {
		p.Error = err.Error()
	}
	s.render(w, r, http.StatusOK, "bans", p)
}

// lift removes the ban on the form's ip (for IPv6, its /64).
func (s *Server) lift(w http.ResponseWriter, r *http.Request) {
	ip, err := s.ops.Unban(r.Context(), r.PostFormValue("ip"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: ban lifted", "ip", clientIP(r).String(), "banned", ip.String())
	seeOther(w, r, "/bans", url.Values{"done": {"lifted"}, "ip": {ip.String()}})
}
