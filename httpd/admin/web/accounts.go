package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// accountRow is an account as the accounts table shows it; it has no
// hash field, the hash being half of every device's secret URL.
type accountRow struct {
	Name, SIPServer, SIPTransport, NTPServer, TimeZone, Language string
	SIPPort, Devices                                             int
	Created                                                      time.Time
}

// accountForm is the add-account form as entered.
type accountForm struct {
	Name, SIPServer, SIPPort, SIPTransport, NTPServer, TimeZone, Language string
}

type accountsPage struct {
	base
	Accounts   []accountRow
	Form       accountForm
	Transports []provisioning.Transport
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	s.accountsPage(w, r, http.StatusOK, accountForm{}, nil)
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, code int, f accountForm, err error) {
	p := accountsPage{base: s.base("Accounts", "accounts"), Form: f,
		Transports: []provisioning.Transport{provisioning.UDP, provisioning.TCP, provisioning.TLS}}
	p.Flash = s.flash(r.URL.Query())
	if err != nil {
		p.Error = err.Error()
	}
	for _, a := range s.ops.Accounts() {
		p.Accounts = append(p.Accounts, accountRow{Name: a.Name, SIPServer: a.SIPServer, SIPPort: a.SIPPort,
			SIPTransport: string(a.SIPTransport), NTPServer: a.NTPServer, TimeZone: a.TimeZone,
			Language: a.Language, Devices: a.Devices, Created: a.Created})
	}
	s.render(w, r, code, "accounts", p)
}

func (s *Server) addAccount(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	f := accountForm{}
	for _, fld := range []struct {
		dst  *string
		name string
	}{{&f.Name, "name"}, {&f.SIPServer, "sip_server"}, {&f.SIPPort, "sip_port"}, {&f.SIPTransport, "sip_transport"},
		{&f.NTPServer, "ntp_server"}, {&f.TimeZone, "timezone"}, {&f.Language, "language"}} {
		*fld.dst = strings.TrimSpace(v.Get(fld.name))
	}
	a, err := f.account()
	if err == nil {
		var added ops.Account
		added, err = s.ops.AddAccount(r.Context(), a)
		a = added.Account
	}
	if err != nil {
		s.accountsPage(w, r, s.statusOf(r, err), f, err)
		return
	}
	s.log.Info("web: account added", "account", a.Name, "ip", clientIP(r).String())
	seeOther(w, r, "/accounts", url.Values{"done": {"account"}, "name": {a.Name}})
}

// account is the core's Account for f; the core validates the fields.
func (f accountForm) account() (provisioning.Account, error) {
	a := provisioning.Account{Name: f.Name, SIPServer: f.SIPServer, SIPTransport: provisioning.Transport(f.SIPTransport),
		NTPServer: f.NTPServer, TimeZone: f.TimeZone, Language: f.Language}
	if f.SIPPort != "" {
		n, err := strconv.Atoi(f.SIPPort)
		if err != nil {
			return a, ops.Badf("SIP port %q is not a number", f.SIPPort)
		}
		a.SIPPort = n
	}
	return a, nil
}
