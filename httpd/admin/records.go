package admin

import (
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

func (h *Handler) leases(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, each(h.ops.Leases(), leaseInfo))
}

// events answers the audit trail, newest first, filtered as eventQuery
// reads.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	es, err := h.ops.Events(r.Context(), eventQuery(q))
	h.answer(w, r, http.StatusOK, each(es, eventInfo), err)
}

func (h *Handler) listBans(w http.ResponseWriter, r *http.Request) {
	bs, err := h.ops.Bans()
	h.answer(w, r, http.StatusOK, each(bs, banInfo), err)
}

func (h *Handler) addBan(w http.ResponseWriter, r *http.Request) {
	var in BanInput
	err := decode(r, &in, false)
	var b provisioning.Ban
	if err == nil {
		b, err = h.ban(r, in)
	}
	h.answer(w, r, http.StatusCreated, banInfo(b), err)
}

func (h *Handler) ban(r *http.Request, in BanInput) (provisioning.Ban, error) {
	dur, err := ops.ParseFor("duration", in.For)
	if err != nil {
		return provisioning.Ban{}, err
	}
	return h.ops.AddBan(r.Context(), in.IP, dur, in.Reason)
}

func (h *Handler) removeBan(w http.ResponseWriter, r *http.Request) {
	_, err := h.ops.Unban(r.Context(), r.PathValue("ip"))
	h.done(w, r, err)
}
