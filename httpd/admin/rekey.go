package admin

import (
	"context"
	"net/http"
	"net/url"

	"github.com/provbox/provbox/httpd/admin/ops"

	"github.com/provbox/provbox/provisioning"
)

// RekeyInput is the optional body of a rekey. NoGrace ends the old
// secret URL at once, with every URL still in grace from earlier rekeys
// (for a leak whose holder may pass the fingerprint checks); without it
// the old URL redirects the phone for rotation_grace.
type RekeyInput struct {
	NoGrace bool `json:"no_grace,omitempty"`
}

func (h *Handler) rekeyDevice(w http.ResponseWriter, r *http.Request) {
	var in RekeyInput
	err := decode(r, &in, true)
	var v provisioning.DeviceView
	if err == nil {
		v, err = h.ops.RekeyDevice(r.Context(), r.PathValue("mac"), in.NoGrace)
	}
	h.device(w, r, v, err)
}

func (h *Handler) rekeyAccount(w http.ResponseWriter, r *http.Request) {
	var in RekeyInput
	err := decode(r, &in, true)
	var a ops.Account
	if err == nil {
		a, err = h.ops.RekeyAccount(r.Context(), r.PathValue("name"), in.NoGrace)
	}
	h.answer(w, r, http.StatusOK, accountInfo(a), err)
}

// RekeyDeviceWith gives a device a new hash, as in says.
func (c *Client) RekeyDeviceWith(ctx context.Context, mac string, in RekeyInput) (d DeviceInfo, err error) {
	return d, c.do(ctx, http.MethodPost, devicePath(mac)+"/rekey", in, &d)
}

// RekeyAccountWith gives an account a new hash, as in says.
func (c *Client) RekeyAccountWith(ctx context.Context, name string, in RekeyInput) (a Account, err error) {
	return a, c.do(ctx, http.MethodPost, "/v1/accounts/"+url.PathEscape(name)+"/rekey", in, &a)
}
