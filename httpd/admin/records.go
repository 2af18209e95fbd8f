package admin

import (
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func (h *Handler) leases(w http.ResponseWriter, r *http.Request) {
	ls := h.svc.Leases()
	if ls == nil {
		ls = []provisioning.Lease{}
	}
	writeJSON(w, http.StatusOK, ls)
}

// events answers the audit trail, newest first, filtered by mac, since
// (RFC 3339) and limit.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	f, err := eventFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	es, err := h.svc.Events(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if es == nil {
		es = []provisioning.Event{}
	}
	writeJSON(w, http.StatusOK, es)
}

func eventFilter(r *http.Request) (provisioning.EventFilter, error) {
	var f provisioning.EventFilter
	q := r.URL.Query()
	var err error
	if s := q.Get("mac"); s != "" {
		if f.MAC, err = provisioning.ParseMAC(s); err != nil {
			return f, badf("%v", err)
		}
	}
	if s := q.Get("since"); s != "" {
		if f.Since, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return f, badf("since %q: want an RFC 3339 time", s)
		}
	}
	if s := q.Get("limit"); s != "" {
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 0 {
			return f, badf("limit %q: want a number", s)
		}
	}
	return f, nil
}

var errNoBans = errors.New("bans are not available from this core")

func (h *Handler) listBans(w http.ResponseWriter, r *http.Request) {
	if h.bans == nil {
		writeJSON(w, http.StatusNotImplemented, errorBody{Error: errNoBans.Error()})
		return
	}
	bs := h.bans.Bans()
	if bs == nil {
		bs = []provisioning.Ban{}
	}
	writeJSON(w, http.StatusOK, bs)
}

func (h *Handler) addBan(w http.ResponseWriter, r *http.Request) {
	if h.bans == nil {
		writeJSON(w, http.StatusNotImplemented, errorBody{Error: errNoBans.Error()})
		return
	}
	var in BanInput
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	ip, err := netip.ParseAddr(in.IP)
	if err != nil {
		h.fail(w, r, badf("IP %q is not an address", in.IP))
		return
	}
	dur, err := parseFor(in.For)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.bans.AddBan(r.Context(), ip.Unmap(), dur, in.Reason)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}

func (h *Handler) removeBan(w http.ResponseWriter, r *http.Request) {
	if h.bans == nil {
		writeJSON(w, http.StatusNotImplemented, errorBody{Error: errNoBans.Error()})
		return
	}
	ip, err := netip.ParseAddr(r.PathValue("ip"))
	if err != nil {
		h.fail(w, r, badf("IP %q is not an address", r.PathValue("ip")))
		return
	}
	if err := h.bans.Unban(r.Context(), ip.Unmap()); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
