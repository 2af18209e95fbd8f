package admin

import (
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
)

func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, each(h.ops.Accounts(), accountInfo))
}

func (h *Handler) addAccount(w http.ResponseWriter, r *http.Request) {
	var in AccountInput
	err := decode(r, &in, false)
	var a ops.Account
	if err == nil {
		a, err = h.ops.AddAccount(r.Context(), coreAccount(in))
	}
	h.answer(w, r, http.StatusCreated, accountInfo(a), err)
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.ops.Account(r.PathValue("name"))
	h.answer(w, r, http.StatusOK, accountInfo(a), err)
}
