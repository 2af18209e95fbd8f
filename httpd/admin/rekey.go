package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/provbox/provbox/provisioning"
)

// RekeyInput is the optional body of a rekey. NoGrace ends the old
// secret URL at once, with every URL still in grace from earlier rekeys
// (for a leak whose holder may pass the fingerprint checks); without it
// the old URL redirects the phone for rotation_grace.
type RekeyInput struct {
	NoGrace bool `json:"no_grace,omitempty"`
}

// NoGraceService rekeys without rotation grace; *provisioning.Service
// satisfies it. Optional, like BanService: without it a rekey asking for
// no grace gets 501.
type NoGraceService interface {
	RekeyDeviceNoGrace(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	RekeyAccountNoGrace(ctx context.Context, name string) (provisioning.Account, error)
}

var errNoGrace = errors.New("this server cannot rekey without grace")

// rekeyInput reads a rekey's optional body; ok is false when an error
// answer was written.
func (h *Handler) rekeyInput(w http.ResponseWriter, r *http.Request) (in RekeyInput, ng NoGraceService, ok bool) {
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			h.fail(w, r, err)
			return in, nil, false
		}
	}
	if !in.NoGrace {
		return in, nil, true
	}
	if ng, _ = h.svc.(NoGraceService); ng == nil {
		writeJSON(w, http.StatusNotImplemented, errorBody{Error: errNoGrace.Error()})
		return in, nil, false
	}
	return in, ng, true
}

func (h *Handler) rekeyDevice(w http.ResponseWriter, r *http.Request) {
	in, ng, ok := h.rekeyInput(w, r)
	if !ok {
		return
	}
	h.withMAC(w, r, func(m provisioning.MAC) (provisioning.Device, error) {
		if in.NoGrace {
			return ng.RekeyDeviceNoGrace(r.Context(), m)
		}
		return h.svc.RekeyDevice(r.Context(), m)
	})
}

func (h *Handler) rekeyAccount(w http.ResponseWriter, r *http.Request) {
	in, ng, ok := h.rekeyInput(w, r)
	if !ok {
		return
	}
	rekey := h.svc.RekeyAccount
	if in.NoGrace {
		rekey = ng.RekeyAccountNoGrace
	}
	a, err := rekey(r.Context(), r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.accountInfo(a))
}

// RekeyDeviceWith gives a device a new hash, as in says.
func (c *Client) RekeyDeviceWith(ctx context.Context, mac string, in RekeyInput) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/rekey", in, &d)
}

// RekeyAccountWith gives an account a new hash, as in says.
func (c *Client) RekeyAccountWith(ctx context.Context, name string, in RekeyInput) (a Account, err error) {
	return a, c.do(ctx, http.MethodPost, "/v1/accounts/"+url.PathEscape(name)+"/rekey", in, &a)
}
