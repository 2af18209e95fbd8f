package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// editRoutes are the routes of pending phones, edits, preview and the
// event search export.
func (h *Handler) editRoutes() {
	h.mux.HandleFunc("GET /v1/pending", h.listPending)
	h.mux.HandleFunc("POST /v1/pending/{mac}/adopt", h.adopt)
	h.mux.HandleFunc("PATCH /v1/accounts/{name}", h.editAccount)
	h.mux.HandleFunc("DELETE /v1/accounts/{name}", h.removeAccount)
	h.mux.HandleFunc("PATCH /v1/devices/{mac}", h.editDevice)
	h.mux.HandleFunc("POST /v1/devices/{mac}/replace", h.replaceDevice)
	h.mux.HandleFunc("GET /v1/devices/{mac}/preview", h.preview)
	h.mux.HandleFunc("GET /v1/events.csv", h.eventsCSV)
}

func (h *Handler) listPending(w http.ResponseWriter, r *http.Request) {
	ps, err := h.ops.Pending()
	h.answer(w, r, http.StatusOK, each(ps, pendingInfo), err)
}

func (h *Handler) adopt(w http.ResponseWriter, r *http.Request) {
	var in AdoptInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.ops.Adopt(r.Context(), adoptInput(r.PathValue("mac"), in))
	h.answer(w, r, http.StatusCreated, deviceInfo(v), err)
}

func (h *Handler) editAccount(w http.ResponseWriter, r *http.Request) {
	var in AccountEditInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.ops.UpdateAccount(r.Context(), r.PathValue("name"), accountEdit(in))
	h.answer(w, r, http.StatusOK, accountInfo(a), err)
}

// removeAccount removes an account; ?force=true also removes its devices.
func (h *Handler) removeAccount(w http.ResponseWriter, r *http.Request) {
	force, err := ops.ParseBool("force", r.URL.Query().Get("force"))
	var macs []provisioning.MAC
	if err == nil {
		macs, err = h.ops.RemoveAccount(r.Context(), r.PathValue("name"), force)
	}
	h.answer(w, r, http.StatusOK, AccountRemoved{Removed: r.PathValue("name"),
		Devices: each(macs, provisioning.MAC.String)}, err)
}

func (h *Handler) editDevice(w http.ResponseWriter, r *http.Request) {
	var in DeviceEditInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.ops.EditDevice(r.Context(), r.PathValue("mac"), deviceEdit(in))
	h.device(w, r, v, err)
}

func (h *Handler) replaceDevice(w http.ResponseWriter, r *http.Request) {
	var in ReplaceInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.ops.ReplaceDevice(r.Context(), r.PathValue("mac"), in.NewMAC)
	h.answer(w, r, http.StatusCreated, deviceInfo(v), err)
}

func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	p, err := h.ops.Preview(r.PathValue("mac"))
	h.answer(w, r, http.StatusOK, previewInfo(p), err)
}

// eventQuery reads the audit trail's query parameters: mac, since,
// until (RFC 3339), ip, outcome, reason and actor (prefixes), limit,
// offset and before (an event ID).
func eventQuery(q url.Values) ops.EventQuery {
	return ops.EventQuery{MAC: q.Get("mac"), Since: q.Get("since"), Limit: q.Get("limit"),
		EventSearch: ops.EventSearch{IP: q.Get("ip"), Outcome: q.Get("outcome"), Reason: q.Get("reason"), Actor: q.Get("actor"),
			Until: q.Get("until"), Before: q.Get("before"), Offset: q.Get("offset")}}
}

// eventsCSV exports the events the query selects (at most
// ops.MaxEvents) as CSV.
func (h *Handler) eventsCSV(w http.ResponseWriter, r *http.Request) {
	q := eventQuery(r.URL.Query())
	if q.Limit == "" {
		q.Limit = strconv.Itoa(ops.MaxEvents)
	}
	es, err := h.ops.Events(r.Context(), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="provbox-events.csv"`)
	if err := ops.WriteEventsCSV(w, es); err != nil {
		h.log.Warn("writing events CSV", "err", err)
	}
}
