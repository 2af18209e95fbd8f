package admin

import (
	"net/http"

	"github.com/provbox/provbox/provisioning"
)

func (h *Handler) accountInfo(a provisioning.Account) Account {
	n := 0
	for _, d := range h.svc.Devices() {
		if d.Account == a.Name {
			n++
		}
	}
	return Account{Account: a, Devices: n}
}

func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) {
	counts := map[string]int{}
	for _, d := range h.svc.Devices() {
		counts[d.Account]++
	}
	out := []Account{}
	for _, a := range h.svc.Accounts() {
		out = append(out, Account{Account: a, Devices: counts[a.Name]})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) addAccount(w http.ResponseWriter, r *http.Request) {
	var in AccountInput
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.svc.AddAccount(r.Context(), provisioning.Account{
		Name: in.Name, SIPServer: in.SIPServer, SIPPort: in.SIPPort, SIPTransport: provisioning.Transport(in.SIPTransport),
		NTPServer: in.NTPServer, TimeZone: in.TimeZone, Language: in.Language,
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, Account{Account: a})
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.svc.Account(r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.accountInfo(a))
}
