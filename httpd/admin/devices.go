package admin

import (
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

func (h *Handler) listDevices(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, each(h.ops.Devices(), deviceInfo))
}

func (h *Handler) addDevice(w http.ResponseWriter, r *http.Request) {
	var in DeviceInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.ops.AddDevice(r.Context(), deviceInput(in))
	h.answer(w, r, http.StatusCreated, deviceInfo(v), err)
}

// importDevices adds every device or none.
func (h *Handler) importDevices(w http.ResponseWriter, r *http.Request) {
	var in []DeviceInput
	if err := decode(r, &in, false); err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.ops.ImportDevices(r.Context(), each(in, deviceInput))
	h.answer(w, r, http.StatusCreated, each(vs, deviceInfo), err)
}

func (h *Handler) showDevice(w http.ResponseWriter, r *http.Request) {
	v, err := h.ops.Device(r.PathValue("mac"))
	h.device(w, r, v, err)
}

func (h *Handler) lockDevice(w http.ResponseWriter, r *http.Request) {
	v, err := h.ops.LockDevice(r.Context(), r.PathValue("mac"))
	h.device(w, r, v, err)
}

func (h *Handler) unlockDevice(w http.ResponseWriter, r *http.Request) {
	var in UnlockInput
	err := decode(r, &in, true)
	var v provisioning.DeviceView
	if err == nil {
		v, err = h.unlock(r, in)
	}
	h.device(w, r, v, err)
}

func (h *Handler) unlock(r *http.Request, in UnlockInput) (provisioning.DeviceView, error) {
	dur, err := ops.ParseFor("duration", in.For)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	return h.ops.UnlockDevice(r.Context(), r.PathValue("mac"), dur)
}

func (h *Handler) removeDevice(w http.ResponseWriter, r *http.Request) {
	_, err := h.ops.RemoveDevice(r.Context(), r.PathValue("mac"))
	h.done(w, r, err)
}

// device answers with the device v, or err.
func (h *Handler) device(w http.ResponseWriter, r *http.Request, v provisioning.DeviceView, err error) {
	h.answer(w, r, http.StatusOK, deviceInfo(v), err)
}
