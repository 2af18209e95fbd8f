package web_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/provisioning"
)

func TestDashboard(t *testing.T) {
	pool := web.Pool{Subnet: netip.MustParsePrefix("10.20.0.0/24"), First: netip.MustParseAddr("10.20.0.100"), Last: netip.MustParseAddr("10.20.0.199")}
	e := newEnvWith(t, func(c *web.Config) { c.DHCP = web.DHCPInfo{Enabled: true, Pools: []web.Pool{pool}} })
	m := addDevice(t, e)
	e.post(t, "/devices", deviceForm("80:5e:c0:11:22:44", [3]string{"200", "pw-x", "Hall"}))
	e.post(t, "/devices/805ec0112244/lock", url.Values{})
	ctx := context.Background()
	for i, ip := range []string{"10.20.0.101", "10.20.0.150", "10.20.0.20"} {
		mac := m
		mac[5] = byte(i)
		if err := e.svc.CommitLease(ctx, provisioning.Lease{IP: netip.MustParseAddr(ip), MAC: mac, Expires: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	r := e.get(t, "/")
	wantCode(t, "GET /", r, http.StatusOK)
	for _, want := range []string{`<span class="n" id="n-devices">2</span>`, `<span class="n" id="n-open">1</span>`,
		`<span class="n" id="n-locked">1</span>`, `2 of 100 (2%)`, `10.20.0.100–10.20.0.199`, "1 more leases outside the pools",
		`<span class="n">0</span>pending phones`, `id="rogue-off"`, `<td class="outcome locked" data-label="Outcome">locked</td>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// A ban shows in the day's count and among the bans in force.
	if _, err := e.svc.AddBan(ctx, netip.MustParseAddr("10.20.0.66"), time.Hour, "test"); err != nil {
		t.Fatal(err)
	}
	if r := e.get(t, "/"); !strings.Contains(r.body, `id="n-bans">1</span>bans issued`) || !strings.Contains(r.body, `<span class="n">1</span>bans in force`) {
		t.Errorf("the dashboard does not count the ban:\n%s", r.body)
	}
}

func TestDHCPOff(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/", "/leases"} {
		if r := e.get(t, p); !strings.Contains(r.body, `id="dhcp-off"`) || !strings.Contains(r.body, "The DHCP server is off") {
			t.Errorf("%s does not say DHCP is off", p)
		}
	}
}
