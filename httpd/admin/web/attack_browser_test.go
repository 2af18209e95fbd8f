package web_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/provbox/provbox/httpd/admin/ops"
	"github.com/provbox/provbox/httpd/admin/web"
)

// xssMark is what every payload below tries to run; the test reads it
// back from the admin's browser.
const xssMark = `window.__pwned=1`

// TestBrowserAttackerMarkupInert: a host on the phone LAN puts markup
// where the UI shows it: a vendor User-Agent (pending phone, audit
// trail), a request path (audit trail's file, the Why? page), option 66
// of a forged DHCP OFFER (the dashboard's rogue list). An admin who looks
// at every page in a real Chromium runs none of it: no element carries
// an event handler, no script but the UI's own, and the payload reads as
// text.
func TestBrowserAttackerMarkupInert(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.DHCP.Enabled = true })
	b := newBrowser(t, e.base)
	payload := `"><img src=x onerror="` + xssMark + `"><script>` + xssMark + `</script>`
	// A pending phone with markup in its User-Agent (the MAC in the file
	// name, a Yealink UA prefix: what makes it pending).
	if code := e.bootstrap(t, "/805ec0aabbcc.cfg", "Yealink SIP-T54W 96.86.0.100 "+payload); code == http.StatusOK {
		t.Fatalf("an unknown phone was served")
	}
	// A refused path with markup: the audit trail's file column.
	if code := e.bootstrap(t, "/"+url.PathEscape(`<svg onload="`+xssMark+`">`)+".cfg", "curl/8"); code == http.StatusOK {
		t.Fatalf("a junk path was served")
	}
	e.srv.SetDHCP(fakeDHCP{[]ops.RogueServer{{IP: netip.MustParseAddr("10.20.0.66"), MAC: "02:00:00:00:00:66", Interface: "lan0",
		FirstSeen: time.Now(), LastSeen: time.Now(), Packets: 1,
		Options: []ops.DHCPOption{{Code: 66, Name: "TFTP server name", Value: payload}}}}})

	b.open("/login")
	b.do("password", chromedp.SetValue(chromedp.CSS(`input[name=password]`), testPassword))
	b.click("#login", `location.pathname === "/"`)
	pages := []string{"/", "/pending", "/events", "/events?outcome=refused"}
	for _, p := range pages {
		b.open(p)
		b.inert(p)
	}
	if !strings.Contains(b.text("main"), `<svg onload=`) {
		t.Errorf("the refused path does not read as text on /events: %q", b.text("main"))
	}
	b.open("/")
	if !strings.Contains(b.text("#rogues"), `<script>`) {
		t.Errorf("the rogue's option 66 does not read as text: %q", b.text("#rogues"))
	}
	b.open("/pending")
	if !strings.Contains(b.text("main"), `onerror=`) {
		t.Errorf("the pending phone's User-Agent does not read as text: %q", b.text("main"))
	}
	// Why? replays each refusal: its page shows the path and UA again.
	b.open("/events")
	links := eval[[]string](b, `Array.from(document.querySelectorAll("a[href*='/why']")).map(a => a.getAttribute("href"))`)
	if len(links) == 0 {
		t.Fatal("no Why? link on /events")
	}
	for _, l := range links {
		b.open(l)
		b.inert(l)
	}
}

// inert fails unless the page ran no payload and holds no injected
// element: nothing with an inline handler, no script but the UI's own.
func (b *browser) inert(page string) {
	b.t.Helper()
	if eval[bool](b, `window.__pwned === 1`) {
		b.t.Errorf("%s: the attacker's script ran", page)
	}
	n := eval[int](b, `document.querySelectorAll("[onerror],[onload],img[src=x],svg,script:not([src='/static/time.js'])").length`)
	if n != 0 {
		b.t.Errorf("%s: %d elements the attacker's markup made", page, n)
	}
}
