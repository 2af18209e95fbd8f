package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/provisioning"
)

// maxBulk bounds one bulk action: a page holds 50 devices.
const maxBulk = 500

// bulkActions are what the devices page does to its selected devices,
// with the past tense the flash uses.
var bulkActions = map[string]string{"lock": "locked", "unlock": "unlocked", "remove": "removed"}

type bulkConfirmPage struct {
	base
	MACs []string
	Back string
}

// bulk locks, unlocks or removes the selected devices. Every MAC is
// parsed first, so a tampered form changes nothing; remove, which cannot
// be undone, asks first. Each device is one operation of its own (one
// audit event each); the first failure stops the rest and is shown with
// how many were done.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	action, back := r.PostFormValue("action"), localPath(r.PostFormValue("back"))
	done, ok := bulkActions[action]
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, ops.Badf("bulk action %q: want lock, unlock or remove", action))
		return
	}
	macs, err := parseMACs(r.PostForm["mac"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if action == "remove" && r.PostFormValue("confirm") != "yes" {
		p := bulkConfirmPage{base: s.base("Remove "+strconv.Itoa(len(macs))+" devices?", "devices"), Back: back}
		for _, m := range macs {
			p.MACs = append(p.MACs, m.String())
		}
		s.render(w, r, http.StatusOK, "bulkconfirm", p)
		return
	}
	for i, m := range macs {
		if err := s.bulkOne(r, action, m); err != nil {
			s.errorPage(w, r, s.statusOf(r, err), fmt.Errorf("%s: %w (%d of %d devices %s before it)", m, err, i, len(macs), done))
			return
		}
	}
	s.log.Info("web: bulk "+action, "devices", len(macs), "ip", clientIP(r).String())
	path, q, _ := strings.Cut(back, "?")
	v, _ := url.ParseQuery(q)
	v.Set("done", "bulk-"+action)
	v.Set("n", strconv.Itoa(len(macs)))
	seeOther(w, r, path, v)
}

func (s *Server) bulkOne(r *http.Request, action string, m provisioning.MAC) error {
	var err error
	switch action {
	case "lock":
		_, err = s.ops.LockDevice(r.Context(), m.String())
	case "unlock":
		_, err = s.ops.UnlockDevice(r.Context(), m.String(), 0)
	case "remove":
		_, err = s.ops.RemoveDevice(r.Context(), m.String())
	}
	return err
}

// parseMACs reads the selection: at least one, at most maxBulk, each a
// MAC, duplicates dropped.
func parseMACs(in []string) ([]provisioning.MAC, error) {
	if len(in) == 0 {
		return nil, ops.Badf("no device selected: tick the devices first")
	}
	if len(in) > maxBulk {
		return nil, ops.Badf("%d devices selected; at most %d at once", len(in), maxBulk)
	}
	seen := map[provisioning.MAC]bool{}
	var out []provisioning.MAC
	for _, s := range in {
		m, err := ops.ParseMAC(s)
		if err != nil {
			return nil, err
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out, nil
}

// bulkFlash is the sentence for a finished bulk action.
func bulkFlash(q url.Values) string {
	done, ok := bulkActions[strings.TrimPrefix(q.Get("done"), "bulk-")]
	n, err := strconv.Atoi(q.Get("n"))
	if !ok || err != nil || n < 1 {
		return ""
	}
	if n == 1 {
		return "1 device " + done + "."
	}
	return strconv.Itoa(n) + " devices " + done + "."
}
