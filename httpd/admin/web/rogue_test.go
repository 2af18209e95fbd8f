package web_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/httpd/admin/web"
)

// TestDashboardRoguesBounded: with many foreign servers reported (forged
// OFFERs), the dashboard counts them all and lists only the roguesShown
// most recently seen.
func TestDashboardRoguesBounded(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.DHCP.Enabled = true })
	base := time.Now().Add(-time.Hour)
	var rs []ops.RogueServer
	for i := range 30 {
		seen := base.Add(time.Duration(i) * time.Minute)
		rs = append(rs, ops.RogueServer{IP: netip.AddrFrom4([4]byte{10, 20, 1, byte(i)}), MAC: fmt.Sprintf("02:00:00:00:01:%02x", i),
			Interface: "lan0", FirstSeen: seen, LastSeen: seen, Packets: 1})
	}
	e.srv.SetDHCP(fakeDHCP{rs})
	r := e.get(t, "/")
	for _, want := range []string{`<span class="n" id="n-rogues">30</span>`, `id="rogues-more">10 more`,
		`data-label="Server">10.20.1.29</td>`, `data-label="Server">10.20.1.10</td>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	if rows := strings.Count(r.body, `data-label="Server">`); rows != 20 {
		t.Errorf("%d rogue rows, want 20", rows)
	}
	if strings.Contains(r.body, `data-label="Server">10.20.1.9</td>`) {
		t.Error("a less recently seen server is listed before newer ones")
	}
}

// droppingDHCP also dropped some servers from its full table.
type droppingDHCP struct {
	fakeDHCP
	dropped int
}

func (d droppingDHCP) RoguesDropped() int { return d.dropped }

// TestDashboardRoguesDropped: the servers the DHCP side dropped from its
// full table count among the "more".
func TestDashboardRoguesDropped(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.DHCP.Enabled = true })
	seen := time.Now()
	e.srv.SetDHCP(droppingDHCP{fakeDHCP{[]ops.RogueServer{{IP: netip.MustParseAddr("10.20.2.1"), MAC: "02:00:00:00:02:01",
		Interface: "lan0", FirstSeen: seen, LastSeen: seen, Packets: 1}}}, 500})
	r := e.get(t, "/")
	for _, want := range []string{`<span class="n" id="n-rogues">501</span>`, `id="rogues-more">500 more`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
}
