package admin

import (
	"context"
	"fmt"
	"net/http"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// Reload answers POST /v1/reload: the daemon re-read File and applied
// what can change live. RestartNeeded names the keys that changed but
// apply only at the next start.
type Reload struct {
	File          string   `json:"file"`
	RestartNeeded []string `json:"restart_needed"`
}

// Reloader re-reads the daemon's configuration file and applies it, or
// refuses it with an error that names the problem (key, line) while the
// running configuration keeps serving.
type Reloader func(ctx context.Context) (Reload, error)

// SetReloader enables POST /v1/reload; call it before serving. Without
// one the route answers 501.
func (h *Handler) SetReloader(f Reloader) { h.reloader = f }

// reload runs the reload while the caller waits, so that `provbox
// reload` (the unit's ExecReload) returns once the new configuration
// serves, or fails with the reason it was refused.
func (h *Handler) reload(w http.ResponseWriter, r *http.Request) {
	if h.reloader == nil {
		h.fail(w, r, fmt.Errorf("reload is %w", ops.ErrUnavailable))
		return
	}
	res, err := h.reloader(r.Context())
	if err != nil {
		// 422: the request was fine, the file it names is not.
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: err.Error()})
		return
	}
	if res.RestartNeeded == nil {
		res.RestartNeeded = []string{}
	}
	writeJSON(w, http.StatusOK, res)
}
