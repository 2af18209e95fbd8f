package admin

import (
	"net/http"
	"net/netip"

	"github.com/provbox/provbox/provisioning"
)

// coreDevice converts API input; errors name the field.
func coreDevice(in DeviceInput) (provisioning.Device, error) {
	m, err := provisioning.ParseMAC(in.MAC)
	if err != nil {
		return provisioning.Device{}, badf("%v", err)
	}
	d := provisioning.Device{MAC: m, Account: in.Account, Vendor: in.Vendor, Model: in.Model}
	if in.IP != "" {
		if d.IP, err = netip.ParseAddr(in.IP); err != nil || !d.IP.Is4() {
			return d, badf("device %s: ip %q is not an IPv4 address", m, in.IP)
		}
	}
	for _, l := range in.Lines {
		d.Lines = append(d.Lines, provisioning.Line{Extension: l.Extension, AuthUser: l.AuthUser,
			Password: l.Password, DisplayName: l.DisplayName, Label: l.Label})
	}
	return d, nil
}

func (h *Handler) info(d provisioning.Device) DeviceInfo { return deviceInfo(h.svc.View(d)) }

func (h *Handler) listDevices(w http.ResponseWriter, r *http.Request) {
	out := []DeviceInfo{}
	for _, d := range h.svc.Devices() {
		out = append(out, h.info(d))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) addDevice(w http.ResponseWriter, r *http.Request) {
	var in DeviceInput
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := coreDevice(in)
	if err == nil {
		d, err = h.svc.AddDevice(r.Context(), d)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, h.info(d))
}

// importDevices adds every device or none.
func (h *Handler) importDevices(w http.ResponseWriter, r *http.Request) {
	var in []DeviceInput
	if err := decode(r, &in); err != nil {
		h.fail(w, r, err)
		return
	}
	if len(in) == 0 {
		h.fail(w, r, badf("import: no devices"))
		return
	}
	ds := make([]provisioning.Device, len(in))
	for i := range in {
		d, err := coreDevice(in[i])
		if err != nil {
			h.fail(w, r, badf("device %d: %v", i+1, err))
			return
		}
		ds[i] = d
	}
	ds, err := h.svc.ImportDevices(r.Context(), ds)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]DeviceInfo, len(ds))
	for i, d := range ds {
		out[i] = h.info(d)
	}
	writeJSON(w, http.StatusCreated, out)
}

func (h *Handler) showDevice(w http.ResponseWriter, r *http.Request) {
	h.withMAC(w, r, func(m provisioning.MAC) (provisioning.Device, error) { return h.svc.Device(m) })
}

func (h *Handler) lockDevice(w http.ResponseWriter, r *http.Request) {
	h.withMAC(w, r, func(m provisioning.MAC) (provisioning.Device, error) { return h.svc.LockDevice(r.Context(), m) })
}

func (h *Handler) unlockDevice(w http.ResponseWriter, r *http.Request) {
	var in UnlockInput
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	dur, err := parseFor(in.For)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.withMAC(w, r, func(m provisioning.MAC) (provisioning.Device, error) {
		return h.svc.UnlockDevice(r.Context(), m, dur)
	})
}

func (h *Handler) removeDevice(w http.ResponseWriter, r *http.Request) {
	m, err := macParam(r)
	if err == nil {
		err = h.svc.RemoveDevice(r.Context(), m)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// withMAC parses {mac}, runs do and answers with the device it returns.
func (h *Handler) withMAC(w http.ResponseWriter, r *http.Request, do func(provisioning.MAC) (provisioning.Device, error)) {
	m, err := macParam(r)
	var d provisioning.Device
	if err == nil {
		d, err = do(m)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.info(d))
}
