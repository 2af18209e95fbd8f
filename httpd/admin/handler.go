package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Service is what the admin API needs from the provisioning core;
// *provisioning.Service satisfies it.
type Service interface {
	AddAccount(ctx context.Context, a provisioning.Account) (provisioning.Account, error)
	Accounts() []provisioning.Account
	Account(name string) (provisioning.Account, error)
	RekeyAccount(ctx context.Context, name string) (provisioning.Account, error)

	AddDevice(ctx context.Context, d provisioning.Device) (provisioning.Device, error)
	ImportDevices(ctx context.Context, ds []provisioning.Device) ([]provisioning.Device, error)
	Devices() []provisioning.Device
	Device(m provisioning.MAC) (provisioning.Device, error)
	RemoveDevice(ctx context.Context, m provisioning.MAC) error
	LockDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	UnlockDevice(ctx context.Context, m provisioning.MAC, dur time.Duration) (provisioning.Device, error)
	RekeyDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	View(d provisioning.Device) provisioning.DeviceView

	Leases() []provisioning.Lease
	Events(ctx context.Context, f provisioning.EventFilter) ([]provisioning.Event, error)
}

// BanService is the ban part of the core; *provisioning.Service
// satisfies it. It is optional: a Service without it (a test fake)
// answers the ban routes with 501.
type BanService interface {
	Bans() []provisioning.Ban
	Unban(ctx context.Context, ip netip.Addr) error
	AddBan(ctx context.Context, ip netip.Addr, d time.Duration, reason string) (provisioning.Ban, error)
}

// Handler serves the admin API.
type Handler struct {
	svc     Service
	bans    BanService // nil when svc has no ban engine
	version string
	log     *slog.Logger
	mux     *http.ServeMux
}

// maxBody bounds a request body; an import of tens of thousands of
// devices fits.
const maxBody = 32 << 20

// New returns the admin API handler over svc. version is reported by
// /v1/status.
func New(svc Service, version string, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: svc, version: version, log: log.With("component", "admin"), mux: http.NewServeMux()}
	h.bans, _ = svc.(BanService)
	h.routes()
	return h
}

func (h *Handler) routes() {
	h.mux.HandleFunc("GET /v1/status", h.status)
	h.mux.HandleFunc("GET /v1/accounts", h.listAccounts)
	h.mux.HandleFunc("POST /v1/accounts", h.addAccount)
	h.mux.HandleFunc("GET /v1/accounts/{name}", h.showAccount)
	h.mux.HandleFunc("POST /v1/accounts/{name}/rekey", h.rekeyAccount)
	h.mux.HandleFunc("GET /v1/devices", h.listDevices)
	h.mux.HandleFunc("POST /v1/devices", h.addDevice)
	h.mux.HandleFunc("POST /v1/devices/import", h.importDevices)
	h.mux.HandleFunc("GET /v1/devices/{mac}", h.showDevice)
	h.mux.HandleFunc("DELETE /v1/devices/{mac}", h.removeDevice)
	h.mux.HandleFunc("POST /v1/devices/{mac}/lock", h.lockDevice)
	h.mux.HandleFunc("POST /v1/devices/{mac}/unlock", h.unlockDevice)
	h.mux.HandleFunc("POST /v1/devices/{mac}/rekey", h.rekeyDevice)
	h.mux.HandleFunc("GET /v1/leases", h.leases)
	h.mux.HandleFunc("GET /v1/events", h.events)
	h.mux.HandleFunc("GET /v1/bans", h.listBans)
	h.mux.HandleFunc("POST /v1/bans", h.addBan)
	h.mux.HandleFunc("DELETE /v1/bans/{ip}", h.removeBan)
}

// ServeHTTP serves the admin API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	h.mux.ServeHTTP(w, r)
}

// Summary counts what the daemon holds, for /v1/status and systemd's
// STATUS= line.
func (h *Handler) Summary(ctx context.Context) Status {
	st := Status{Version: h.version, Accounts: len(h.svc.Accounts()), Devices: len(h.svc.Devices()),
		Leases: len(h.svc.Leases())}
	if h.bans != nil {
		st.Bans = len(h.bans.Bans())
	}
	return st
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.Summary(r.Context()))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v) //nolint:errcheck // the client went away; nothing to do
}

// fail maps a core error to its status: bad input 400, unknown 404,
// duplicate 409, anything else 500 (logged: it is our fault).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, errBadRequest), errors.Is(err, provisioning.ErrInvalid), errors.Is(err, provisioning.ErrNotBannable):
		code = http.StatusBadRequest
	case errors.Is(err, provisioning.ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, provisioning.ErrExists):
		code = http.StatusConflict
	default:
		h.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, code, errorBody{Error: err.Error()})
}

// errBadRequest marks input the handler itself refuses (bad JSON, MAC,
// duration); the message says what.
var errBadRequest = errors.New("bad request")

type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }
func (e *badRequest) Is(t error) bool {
	return t == errBadRequest
}

func badf(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// decode reads a JSON body strictly into v.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badf("reading request: %v", err)
	}
	return nil
}

// macParam is the {mac} path value, parsed.
func macParam(r *http.Request) (provisioning.MAC, error) {
	m, err := provisioning.ParseMAC(r.PathValue("mac"))
	if err != nil {
		return m, badf("%v", err)
	}
	return m, nil
}

// parseFor reads an optional duration ("" is 0).
func parseFor(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, badf("duration %q: want a positive duration like \"30m\" or \"2h\"", s)
	}
	return d, nil
}
