package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// accountPath is the account page of name (names may hold '?' or '%').
func accountPath(name string) string { return "/accounts/" + url.PathEscape(name) }

// URL is the account's page.
func (a accountRow) URL() string { return accountPath(a.Name) }

type accountPage struct {
	base
	A          accountRow
	Form       accountForm
	Errs       map[string]string // a field's error, by form field name
	Transports []provisioning.Transport
}

// showAccount is an account's settings as an edit form, with its rekey
// and remove buttons.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.ops.Account(r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.accountPage(w, r, http.StatusOK, a, formOf(a), nil)
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, code int, a ops.Account, f accountForm, err error) {
	p := accountPage{base: s.base("Account "+a.Name, "accounts"), A: rowOfAccount(a), Form: f, Errs: map[string]string{},
		Transports: []provisioning.Transport{provisioning.UDP, provisioning.TCP, provisioning.TLS}}
	p.Flash = s.flash(r.URL.Query())
	p.Error = fieldErrors(err, p.Errs)
	s.render(w, r, code, "account", p)
}

// fieldErrors puts err next to its field in errs when the operations
// layer names one, and answers what the page says above the form.
func fieldErrors(err error, errs map[string]string) string {
	switch fld := ops.FieldOf(err); {
	case err == nil:
		return ""
	case fld != "":
		errs[fld] = err.Error()
		return "Not saved: see the field marked below."
	}
	return err.Error()
}

// saveAccount applies the edit form; the core validates every setting,
// and a refusal is shown next to the field it names.
func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	cur, err := s.ops.Account(name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := readAccountForm(r.PostForm)
	f.Name = cur.Name
	port, err := ops.ParsePort(f.SIPPort)
	if err == nil {
		_, err = s.ops.UpdateAccount(r.Context(), name, ops.AccountEdit{SIPServer: &f.SIPServer, SIPPort: &port,
			SIPTransport: &f.SIPTransport, NTPServer: &f.NTPServer, TimeZone: &f.TimeZone, Language: &f.Language})
	}
	if err != nil {
		s.accountPage(w, r, s.statusOf(r, err), cur, f, err)
		return
	}
	s.log.Info("web: account changed", "account", name, "ip", clientIP(r).String())
	seeOther(w, r, accountPath(name), url.Values{"done": {"account-edited"}, "name": {name}})
}

// confirmAccount asks before an account rekey or removal.
func (s *Server) confirmAccount(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.ops.Account(r.PathValue("name"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := confirmPage{base: s.base("Confirm", "accounts"), Action: action, Post: accountPath(a.Name) + "/" + action, Back: accountPath(a.Name)}
		if action == "rekey" {
			p.Question, p.Button = "Give account "+a.Name+" a new hash? It is half of the secret URL of each of its "+strconv.Itoa(a.Devices)+
				" devices: for rotation_grace the current URLs only redirect the phones (after every check) to the new ones; after "+
				"that, or with no grace, they stop working.", "Rekey account"
		} else {
			p.Question, p.Button = "Remove account "+a.Name+"? It has no devices left to provision.", "Remove account"
			if a.Devices > 0 {
				p.Question = "Account " + a.Name + " still has " + strconv.Itoa(a.Devices) + " devices: removing it will be refused until they are removed or moved to another account."
			}
		}
		s.render(w, r, http.StatusOK, "confirm", p)
	}
}

func (s *Server) rekeyAccount(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.ops.RekeyAccount(r.Context(), name, r.PostFormValue("no_grace") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: account rekeyed", "account", name, "ip", clientIP(r).String())
	seeOther(w, r, accountPath(name), url.Values{"done": {"account-rekeyed"}, "name": {name}})
}

// removeAccount removes an account with no devices; with devices the
// core refuses, and the account page says why.
func (s *Server) removeAccount(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.ops.RemoveAccount(r.Context(), name, false); err != nil {
		a, aerr := s.ops.Account(name)
		if aerr != nil {
			s.fail(w, r, err)
			return
		}
		s.accountPage(w, r, s.statusOf(r, err), a, formOf(a), notRemoved(err))
		return
	}
	s.log.Info("web: account removed", "account", name, "ip", clientIP(r).String())
	seeOther(w, r, "/accounts", url.Values{"done": {"account-removed"}})
}

// notRemoved words the core's refusal for the web, which has no force.
func notRemoved(err error) error {
	return wrapMsg{"Not removed: " + strings.TrimSuffix(err.Error(), ", or force"), err}
}

// wrapMsg is err with another message (its status stays err's).
type wrapMsg struct {
	msg string
	err error
}

func (w wrapMsg) Error() string { return w.msg }
func (w wrapMsg) Unwrap() error { return w.err }

func rowOfAccount(a ops.Account) accountRow {
	return accountRow{Name: a.Name, SIPServer: a.SIPServer, SIPPort: a.SIPPort, SIPTransport: string(a.SIPTransport),
		NTPServer: a.NTPServer, TimeZone: a.TimeZone, Language: a.Language, Devices: a.Devices, Created: a.Created}
}

// formOf is the edit form filled with a's settings.
func formOf(a ops.Account) accountForm {
	f := accountForm{Name: a.Name, SIPServer: a.SIPServer, SIPTransport: string(a.SIPTransport), NTPServer: a.NTPServer,
		TimeZone: a.TimeZone, Language: a.Language}
	if a.SIPPort != 0 {
		f.SIPPort = strconv.Itoa(a.SIPPort)
	}
	return f
}
