package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/httpd/admin/web"
	"github.com/provbox/provbox/provisioning"
)

var (
	rowRE     = regexp.MustCompile(`<tr><td data-label="Time"><time datetime=`)
	verdictRE = regexp.MustCompile(`<p id="verdict">.*</p>`)
	olderRE   = regexp.MustCompile(`href="(/events\?before=[0-9]+&amp;page=2)" id="older"`)
)

// TestEventsPage: filters and paging on the server with the search in
// the URL; the CSV export carries the same search; a bad filter is
// refused by name.
func TestEventsPage(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	for i := range 70 {
		m := provisioning.MAC{0x80, 0x5e, 0xc0, 0, 0, byte(i % 2)}
		e.svc.AuditAdmin(ctx, provisioning.Event{MAC: m, Outcome: "locked", Reason: fmt.Sprintf("test %d", i)})
	}
	e.svc.AuditAdmin(ctx, provisioning.Event{Outcome: "ban-added", Reason: "10.0.0.9"})
	wantCode(t, "an account from the web", e.post(t, "/accounts", url.Values{"name": {"office"}, "sip_server": {"pbx.example"}}), http.StatusSeeOther)
	r := e.get(t, "/events")
	older := olderRE.FindStringSubmatch(r.body)
	if n := len(rowRE.FindAllString(r.body, -1)); n != 50 || older == nil || strings.Contains(r.body, `id="newer"`) {
		t.Fatalf("page 1: %d rows\n%s", n, r.body)
	}
	// The older page follows the last line shown, not a count of lines:
	// lines written meanwhile do not shift it.
	e.svc.AuditAdmin(ctx, provisioning.Event{Outcome: "device-changed", Reason: "meanwhile"})
	r = e.get(t, html.UnescapeString(older[1]))
	if n := len(rowRE.FindAllString(r.body, -1)); n != 22 || strings.Contains(r.body, "test 22<") || !strings.Contains(r.body, "test 21<") ||
		!strings.Contains(r.body, `href="/events" id="newer"`) {
		t.Errorf("page 2 (%s) after a new line: %d rows, want the 22 after page 1's last\n%s", older[1], n, r.body)
	}
	r = e.get(t, "/events?mac=80-5E-C0-00-00-01&outcome=locked&page=2")
	if n := len(rowRE.FindAllString(r.body, -1)); n != 0 {
		// 35 events of that MAC: page 2 of 50 is empty, with a way back.
		t.Errorf("page 2 of 35: %d rows", n)
	}
	if !strings.Contains(r.body, `href="/events?mac=80-5E-C0-00-00-01&amp;outcome=locked" id="newer"`) ||
		!strings.Contains(r.body, `name="mac" value="80-5E-C0-00-00-01"`) {
		t.Errorf("page 2 keeps no search:\n%s", r.body)
	}
	r = e.get(t, "/events?mac=805ec0000001&reason=test+6")
	// test 6x of MAC …:01: 61, 63, 65, 67, 69.
	if n := len(rowRE.FindAllString(r.body, -1)); n != 5 || strings.Contains(r.body, "test 60<") || !strings.Contains(r.body, "test 69") {
		t.Errorf("MAC and reason prefix: %d rows\n%s", n, r.body)
	}
	if !strings.Contains(r.body, `href="/events.csv?mac=805ec0000001&amp;reason=test&#43;6" id="events-csv"`) {
		t.Errorf("the CSV link does not carry the search:\n%s", r.body)
	}
	c := e.get(t, "/events.csv?mac=805ec0000001&reason=test+6")
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	if c.code != http.StatusOK || c.header.Get("Content-Type") != "text/csv; charset=utf-8" || err != nil || len(rows) != 6 ||
		strings.Join(rows[0], ",") != strings.Join(ops.EventsCSVHeader, ",") || rows[1][4] != "80:5e:c0:00:00:01" {
		t.Errorf("CSV: %d %v %v\n%s", c.code, c.header, err, c.body)
	}
	until := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04")
	if r := e.get(t, "/events?outcome=ban-added&since=2020-01-01&until="+until); len(rowRE.FindAllString(r.body, -1)) != 1 {
		t.Errorf("time range and outcome:\n%s", r.body)
	}
	// The actor filter: the web user's account, not the test's lines.
	r = e.get(t, "/events?actor=web%3Aadmin%40127.")
	if n := len(rowRE.FindAllString(r.body, -1)); n != 1 || !strings.Contains(r.body, "account-added") || !strings.Contains(r.body, `data-label="Actor">web:admin@127.0.0.1</td>`) {
		t.Errorf("actor filter: %d rows\n%s", n, r.body)
	}
	if r := e.get(t, "/events?actor=cli%3A"); len(rowRE.FindAllString(r.body, -1)) != 0 {
		t.Errorf("actor cli: rows")
	}
	if r := e.get(t, "/events?since=2999-01-01"); len(rowRE.FindAllString(r.body, -1)) != 0 {
		t.Errorf("since the future: rows")
	}
	for _, bad := range []struct{ q, want string }{
		{"mac=80:5e", `malformed MAC &#34;80:5e&#34;`}, {"ip=10.0.0", `IP &#34;10.0.0&#34; is not an address`},
		{"since=yesterday", `since &#34;yesterday&#34;: want an RFC 3339 time`},
	} {
		if r := e.get(t, "/events?"+bad.q); r.code != http.StatusBadRequest || !strings.Contains(r.body, bad.want) {
			t.Errorf("%s: %d\n%s", bad.q, r.code, r.body)
		}
		if r := e.get(t, "/events.csv?"+bad.q); r.code != http.StatusBadRequest || strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Errorf("CSV %s: %d %s", bad.q, r.code, r.header.Get("Content-Type"))
		}
	}
}

// TestWhyLink: a phone's real bootstrap request for an unknown MAC is
// refused; its line on the events and device pages has a Why? link that
// runs explain again and shows each check with ✔ or ✘, leaving no trace.
func TestWhyLink(t *testing.T) {
	e := newEnv(t)
	e.addOffice(t)
	if code := e.bootstrap(t, "/805ec0aabbcc.cfg", yealinkUA); code != http.StatusNotFound && code != http.StatusForbidden {
		t.Fatalf("bootstrap of an unknown MAC: %d", code)
	}
	refused := e.lastEvent(t, "refused")
	if refused.MAC.String() != "80:5e:c0:aa:bb:cc" || !strings.HasPrefix(refused.Reason, "unknown-mac") {
		t.Fatalf("refusal: %+v", refused)
	}
	link := fmt.Sprintf(`<a href="/events/%d/why" class="whylink">Why?</a>`, refused.ID)
	r := e.get(t, "/events?outcome=refused")
	if !strings.Contains(r.body, link) {
		t.Fatalf("events page lacks %s:\n%s", link, r.body)
	}
	before, _ := e.svc.Events(t.Context(), provisioning.EventFilter{})
	r = e.get(t, fmt.Sprintf("/events/%d/why", refused.ID))
	if r.code != http.StatusOK || !strings.Contains(r.body, `<span class="verdict no" title="failed">✘</span>`) ||
		!strings.Contains(r.body, `<span class="verdict ok" title="passed">✔</span>`) ||
		!strings.Contains(r.body, `would get: <strong class="outcome refused">refused</strong> (unknown-mac`) ||
		!strings.Contains(r.body, "<td data-label=\"Check\">device</td>") {
		t.Fatalf("why page: %d\n%s", r.code, r.body)
	}
	if after, _ := e.svc.Events(t.Context(), provisioning.EventFilter{}); len(after) != len(before) {
		t.Errorf("explaining left %d audit lines", len(after)-len(before))
	}

	// The same link on the device page once the phone is a device.
	wantCode(t, "add", e.post(t, "/devices", deviceForm("805ec0aabbcc", [3]string{"300", "pw-why", ""})), http.StatusSeeOther)
	if r := e.get(t, "/devices/805ec0aabbcc"); !strings.Contains(r.body, link) {
		t.Errorf("device page lacks the Why? link:\n%s", r.body)
	}
	// Now known, the same request is judged again (the window is open).
	r = e.get(t, fmt.Sprintf("/events/%d/why", refused.ID))
	if v := verdictRE.FindString(r.body); v == "" || strings.Contains(v, "unknown-mac") || !strings.Contains(v, "device 80:5e:c0:aa:bb:cc") {
		t.Errorf("why after adding: verdict %q\n%s", v, r.body)
	}

	// A DHCP refusal with DHCP off, and ids that are not events.
	e.svc.RefuseDHCP(netip.MustParseAddr("10.20.0.60"), mustMAC(t, "805ec0aabbcc"), "lease-move refused") // as the DHCP server does
	dhcpEv := e.lastEvent(t, "refused")
	if r := e.get(t, fmt.Sprintf("/events/%d/why", dhcpEv.ID)); r.code != http.StatusOK || !strings.Contains(r.body, `id="why-none"`) ||
		!strings.Contains(r.body, "DHCP is not served") {
		t.Errorf("DHCP why with DHCP off: %d\n%s", r.code, r.body)
	}
	wantCode(t, "no such event", e.get(t, "/events/999999/why"), http.StatusNotFound)
	wantCode(t, "not an id", e.get(t, "/events/x/why"), http.StatusBadRequest)
}

// TestAdoptFromTheWeb: a phone seen by a real bootstrap request is
// pending; the web's Adopt adds it as an adoption (audited "adopted"
// with the web actor) and it leaves the pending list; adopting a MAC that
// is not pending is refused.
func TestAdoptFromTheWeb(t *testing.T) {
	e := newEnv(t)
	e.addOffice(t)
	e.bootstrap(t, "/805ec0aabbcc.cfg", yealinkUA)
	r := e.get(t, "/pending")
	adopt := `href="/devices/new?adopt=1&amp;mac=80%3A5e%3Ac0%3Aaa%3Abb%3Acc&amp;model=T54W&amp;vendor=yealink"`
	if !strings.Contains(r.body, adopt) {
		t.Fatalf("pending page:\n%s", r.body)
	}
	f := e.get(t, "/devices/new?adopt=1&mac=80%3A5e%3Ac0%3Aaa%3Abb%3Acc&model=T54W&vendor=yealink")
	if !strings.Contains(f.body, `<input type="hidden" name="adopt" value="1">`) || !strings.Contains(f.body, "<h1>Adopt phone</h1>") {
		t.Fatalf("adopt form:\n%s", f.body)
	}
	form := deviceForm("80:5e:c0:aa:bb:cc", [3]string{"300", "pw-adopted", "Adopted"})
	form.Set("adopt", "1")
	r = e.post(t, "/devices", form)
	wantCode(t, "adopt", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.Contains(loc, "done=adopted") {
		t.Errorf("after adopting: %q", loc)
	}
	if ev := e.lastEvent(t, "adopted"); ev.MAC.String() != "80:5e:c0:aa:bb:cc" || ev.Actor != "web:admin@127.0.0.1" {
		t.Errorf("adoption audit: %+v", ev)
	}
	if es, _ := ops.New(e.svc).Events(t.Context(), ops.EventQuery{EventSearch: ops.EventSearch{Outcome: "device-added"}}); len(es) != 0 {
		t.Errorf("the adoption was recorded as a plain add: %+v", es)
	}
	if ps := e.svc.PendingPhones(); len(ps) != 0 {
		t.Errorf("still pending: %+v", ps)
	}
	form.Set("mac", "80:5e:c0:aa:bb:cd")
	if r := e.post(t, "/devices", form); r.code != http.StatusNotFound || !strings.Contains(r.body, `name="adopt" value="1"`) {
		t.Errorf("adopting a MAC that is not pending: %d\n%s", r.code, r.body)
	}
}

// fakeDHCP is a DHCP server's admin side that saw one foreign server.
type fakeDHCP struct{ rogues []ops.RogueServer }

func (f fakeDHCP) ExplainDHCP(context.Context, provisioning.MAC, string, netip.Addr) (ops.DHCPExplanation, error) {
	return ops.DHCPExplanation{}, nil
}
func (f fakeDHCP) RogueServers() []ops.RogueServer { return f.rogues }

// TestDashboardRogues: the foreign DHCP servers the daemon's DHCP side
// reports are counted and listed, with what they point phones to.
func TestDashboardRogues(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.DHCP.Enabled = true })
	e.srv.SetDHCP(fakeDHCP{})
	if r := e.get(t, "/"); !strings.Contains(r.body, `id="rogue-none"><span class="n" id="n-rogues">0</span>`) {
		t.Errorf("no rogue:\n%s", r.body)
	}
	seen := time.Now().Add(-time.Minute)
	e.srv.SetDHCP(fakeDHCP{[]ops.RogueServer{{IP: netip.MustParseAddr("10.20.0.254"), MAC: "02:00:00:00:00:fe", Interface: "lan0",
		FirstSeen: seen, LastSeen: seen, Packets: 3, Options: []ops.DHCPOption{{Code: 3, Name: "router", Value: "10.20.0.254"},
			{Code: 66, Name: "tftp-server", Value: "http://evil.example/<x>"}}}}})
	r := e.get(t, "/")
	for _, want := range []string{`<span class="n" id="n-rogues">1</span>`, `<td class="mono" data-label="Server">10.20.0.254</td>`,
		"02:00:00:00:00:fe", "lan0", `tftp-server (66): http://evil.example/&lt;x&gt;`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %s:\n%s", want, r.body)
		}
	}
	if strings.Contains(r.body, "router (3)") {
		t.Error("the dashboard lists a non-provisioning option")
	}
	e.srv.SetDHCP(nil)
	if r := e.get(t, "/"); !strings.Contains(r.body, `id="rogue-off"`) {
		t.Errorf("DHCP off:\n%s", r.body)
	}
}
