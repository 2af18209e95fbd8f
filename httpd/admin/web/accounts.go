package web

import (
	"net/http"
	"net/url"
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
	Errs       map[string]string // a field's error, by form field name
	Transports []provisioning.Transport
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	s.accountsPage(w, r, http.StatusOK, accountForm{}, nil)
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, code int, f accountForm, err error) {
	p := accountsPage{base: s.base("Accounts", "accounts"), Form: f, Errs: map[string]string{},
		Transports: []provisioning.Transport{provisioning.UDP, provisioning.TCP, provisioning.TLS}}
	p.Flash = s.flash(r.URL.Query())
	p.Error = fieldErrors(err, p.Errs)
	for _, a := range s.ops.Accounts() {
		p.Accounts = append(p.Accounts, rowOfAccount(a))
	}
	s.render(w, r, code, "accounts", p)
}

func (s *Server) addAccount(w http.ResponseWriter, r *http.Request) {
	f := readAccountForm(r.PostForm)
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

// readAccountForm reads the add or edit form (the edit form has no name).
func readAccountForm(v url.Values) accountForm {
	f := accountForm{}
	for _, fld := range []struct {
		dst  *string
		name string
	}{{&f.Name, "name"}, {&f.SIPServer, "sip_server"}, {&f.SIPPort, "sip_port"}, {&f.SIPTransport, "sip_transport"},
		{&f.NTPServer, "ntp_server"}, {&f.TimeZone, "timezone"}, {&f.Language, "language"}} {
		*fld.dst = strings.TrimSpace(v.Get(fld.name))
	}
	return f
}

// account is the core's Account for f; the operations layer reads the
// port, the core validates the rest.
func (f accountForm) account() (provisioning.Account, error) {
	a := provisioning.Account{Name: f.Name, SIPServer: f.SIPServer, SIPTransport: provisioning.Transport(f.SIPTransport),
		NTPServer: f.NTPServer, TimeZone: f.TimeZone, Language: f.Language}
	var err error
	a.SIPPort, err = ops.ParsePort(f.SIPPort)
	return a, err
}
