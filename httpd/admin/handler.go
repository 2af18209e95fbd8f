package admin

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// Handler serves the admin API: it decodes the /v1 wire format, runs the
// operation and encodes its answer.
type Handler struct {
	ops     *ops.Ops
	version string
	log     *slog.Logger
	mux     *http.ServeMux
	// reloader re-reads the daemon's file (reload.go); nil: 501.
	reloader Reloader
}

// maxBody bounds a request body; an import of tens of thousands of
// devices fits.
const maxBody = 32 << 20

// New returns the admin API handler over svc (ops.Core: what the admin
// surfaces need from the core; the ban and no-grace parts are optional,
// their routes answer 501 without them). version is reported by
// /v1/status.
func New(svc ops.Core, version string, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{ops: ops.New(svc), version: version, log: log.With("component", "admin"), mux: http.NewServeMux()}
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
	h.mux.HandleFunc("POST /v1/explain/fetch", h.explainFetch)
	h.mux.HandleFunc("POST /v1/explain/dhcp", h.explainDHCP)
	h.mux.HandleFunc("GET /v1/rogues", h.rogues)
	h.mux.HandleFunc("POST /v1/reload", h.reload)
	h.editRoutes()
}

// ServeHTTP serves the admin API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	h.mux.ServeHTTP(w, r)
}

// Summary counts what the daemon holds, for /v1/status and systemd's
// STATUS= line.
func (h *Handler) Summary(ctx context.Context) Status {
	s := h.ops.Summary()
	st := Status{Version: h.version, Accounts: s.Accounts, Devices: s.Devices, Leases: s.Leases, Bans: s.Bans}
	if rs, err := h.ops.RogueServers(); err == nil {
		st.Rogues = len(rs)
	}
	if n, ok := h.ops.Node(ctx); ok {
		st.Node = nodeInfo(n)
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

// answer writes v with code, or err with its status.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, code int, v any, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, code, v)
}

// done answers a change without a body (204), or err.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// fail answers err with the status the operations layer gives it;
// anything unexpected is logged: it is our fault.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, ok := ops.Status(err)
	if !ok {
		h.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, code, errorBody{Error: err.Error()})
}

// decode reads a JSON body strictly into v; an empty body is allowed
// when optional.
func decode(r *http.Request, v any, optional bool) error {
	if optional && r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return ops.Badf("reading request: %v", err)
	}
	return nil
}
