package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.dashboard)
	mux.HandleFunc("GET /static/{file}", s.static)
	mux.HandleFunc("GET /favicon.ico", s.favicon)
	mux.HandleFunc("GET /login", s.getLogin)
	mux.HandleFunc("POST /login", s.postLogin)
	mux.HandleFunc("POST /logout", s.post(s.logout))
	mux.HandleFunc("GET /devices", s.listDevices)
	mux.HandleFunc("GET /devices/new", s.newDevice)
	mux.HandleFunc("POST /devices", s.post(s.addDevice))
	mux.HandleFunc("POST /devices/bulk", s.post(s.bulk))
	mux.HandleFunc("GET /devices/import", s.importForm)
	mux.HandleFunc("POST /devices/import", s.postLimit(maxUpload, s.importCSV))
	mux.HandleFunc("GET /devices/export.csv", s.exportCSV)
	mux.HandleFunc("GET /devices/{mac}", s.showDevice)
	// Rekey and remove cannot be undone: their buttons lead to a page
	// that asks first.
	mux.HandleFunc("GET /devices/{mac}/rekey", s.confirm("rekey"))
	mux.HandleFunc("GET /devices/{mac}/remove", s.confirm("remove"))
	mux.HandleFunc("POST /devices/{mac}/unlock", s.post(s.unlock))
	mux.HandleFunc("POST /devices/{mac}/lock", s.post(s.lock))
	mux.HandleFunc("POST /devices/{mac}/rekey", s.post(s.rekey))
	mux.HandleFunc("POST /devices/{mac}/remove", s.post(s.remove))
	mux.HandleFunc("GET /devices/{mac}/edit", s.editDevice)
	mux.HandleFunc("POST /devices/{mac}/edit", s.post(s.saveDevice))
	mux.HandleFunc("GET /devices/{mac}/replace", s.replaceForm)
	mux.HandleFunc("POST /devices/{mac}/replace", s.post(s.replace))
	mux.HandleFunc("GET /pending", s.pending)
	mux.HandleFunc("GET /accounts", s.listAccounts)
	mux.HandleFunc("POST /accounts", s.post(s.addAccount))
	mux.HandleFunc("GET /accounts/{name}", s.showAccount)
	mux.HandleFunc("POST /accounts/{name}", s.post(s.saveAccount))
	mux.HandleFunc("GET /accounts/{name}/rekey", s.confirmAccount("rekey"))
	mux.HandleFunc("GET /accounts/{name}/remove", s.confirmAccount("remove"))
	mux.HandleFunc("POST /accounts/{name}/rekey", s.post(s.rekeyAccount))
	mux.HandleFunc("POST /accounts/{name}/remove", s.post(s.removeAccount))
	mux.HandleFunc("GET /leases", s.leases)
	mux.HandleFunc("GET /bans", s.bans)
	mux.HandleFunc("POST /bans/lift", s.post(s.lift))
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /events.csv", s.eventsCSV)
	mux.HandleFunc("GET /events/{id}/why", s.why)
	return mux
}

// seeOther sends the browser to path after a change, with what was done
// in the query so the page can say so (POST, redirect, GET: a reload
// does not repeat the change).
func seeOther(w http.ResponseWriter, r *http.Request, path string, done url.Values) {
	http.Redirect(w, r, path+"?"+done.Encode(), http.StatusSeeOther)
}

// flash is the sentence for the last change, from the query seeOther
// wrote. Values are parsed, not echoed, so a crafted link cannot put
// arbitrary text on the page.
func (s *Server) flash(q url.Values) string {
	done := q.Get("done")
	if strings.HasPrefix(done, "bulk-") {
		return bulkFlash(q)
	}
	if done == "imported" {
		if n, err := strconv.Atoi(q.Get("n")); err == nil && n > 0 {
			return strconv.Itoa(n) + " devices imported; their provisioning windows are open."
		}
		return ""
	}
	if done == "lifted" {
		if ip, err := netip.ParseAddr(q.Get("ip")); err == nil {
			return "Ban on " + ip.String() + " lifted."
		}
		return ""
	}
	if strings.HasPrefix(done, "account") {
		return s.accountFlash(done, q.Get("name"))
	}
	m, err := provisioning.ParseMAC(q.Get("mac"))
	if err != nil {
		return ""
	}
	msg, ok := map[string]string{
		"added":    "Device %s added; provisioning is open until the phone fetches its config or the window ends.",
		"unlocked": "Device %s unlocked: a phone with this MAC may provision again.",
		"locked":   "Device %s locked: the bootstrap refuses it now.",
		"rekeyed":  "Device %s has a new secret URL; the old one no longer works.",
		"removed":  "Device %s removed; its secret URL no longer works.",
		"adopted":  "Phone %s adopted; provisioning is open: the phone, still retrying, provisions by itself.",
		"edited":   "Device %s saved.",
		"replaced": "Device %s took over the replaced phone's lines and settings; provisioning is open for it.",
	}[done]
	if !ok {
		return ""
	}
	return fmt.Sprintf(msg, m)
}

// accountFlash is the sentence for a change to an account; the name
// must be an account's (a removed one is not named).
func (s *Server) accountFlash(done, name string) string {
	if done == "account-removed" {
		return "Account removed."
	}
	msg, ok := map[string]string{"account": "Account %s added.", "account-edited": "Account %s saved.",
		"account-rekeyed": "Account %s has a new hash: its devices' secret URLs changed."}[done]
	if !ok {
		return ""
	}
	for _, a := range s.svc.Accounts() {
		if a.Name == name {
			return fmt.Sprintf(msg, a.Name)
		}
	}
	return ""
}
