package admin

import (
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// The explain and rogue-server wire types are the operations layer's:
// they are already what the API shows (no secret, no body).
type (
	FetchQuery      = ops.FetchQuery
	DHCPQuery       = ops.DHCPQuery
	DHCPOption      = ops.DHCPOption
	DHCPExplanation = ops.DHCPExplanation
	RogueServer     = ops.RogueServer
	DHCPService     = ops.DHCPService
	Explanation     = provisioning.Explanation
	ExplainStep     = provisioning.Step
)

// SetDHCP installs the DHCP server's operations (explain dhcp, rogue
// servers) once it is bound.
func (h *Handler) SetDHCP(d DHCPService) { h.ops.SetDHCP(d) }

// The queries travel in a POST body, not the URL: a secret path must not
// end up in an access log.
func (h *Handler) explainFetch(w http.ResponseWriter, r *http.Request) {
	var q FetchQuery
	err := decode(r, &q, false)
	var ex Explanation
	if err == nil {
		ex, err = h.ops.ExplainFetch(r.Context(), q)
	}
	h.answer(w, r, http.StatusOK, ex, err)
}

func (h *Handler) explainDHCP(w http.ResponseWriter, r *http.Request) {
	var q DHCPQuery
	err := decode(r, &q, false)
	var ex DHCPExplanation
	if err == nil {
		ex, err = h.ops.ExplainDHCP(r.Context(), q)
	}
	h.answer(w, r, http.StatusOK, ex, err)
}

func (h *Handler) rogues(w http.ResponseWriter, r *http.Request) {
	rs, err := h.ops.RogueServers()
	h.answer(w, r, http.StatusOK, rs, err)
}
