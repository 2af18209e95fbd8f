package main

import (
	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/httpd/admin/web"
)

// webPending feeds the web UI's pending page and dashboard from the
// core's list of unknown phones that asked.
func webPending(o *ops.Ops) func() ([]web.PendingPhone, error) {
	return func() ([]web.PendingPhone, error) {
		ps, err := o.Pending()
		out := make([]web.PendingPhone, len(ps))
		for i, p := range ps {
			out[i] = web.PendingPhone{MAC: p.MAC.String(), Vendor: p.Vendor, Model: p.Model, VendorClass: p.VendorClass,
				UA: p.UA, Source: p.Source, FirstSeen: p.FirstSeen, LastSeen: p.LastSeen, Requests: p.Requests}
			if p.IP.IsValid() {
				out[i].IP = p.IP.String()
			}
		}
		return out, err
	}
}
