package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/provbox/provbox/provisioning"
)

// chromiumPath finds a Chromium to drive: $PROVBOX_CHROMIUM, else
// Debian's chromium on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROVBOX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (install Debian's chromium package, or set PROVBOX_CHROMIUM): browser tests skipped")
	return ""
}

// browser is a headless Chromium with a fresh profile that reaches only
// loopback, and the directory its screenshots go to.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	shots := os.Getenv("PROVBOX_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-proxy-server", true), chromedp.WindowSize(1366, 900),
		chromedp.Env("TZ=America/New_York"), // not the server's UTC: time.js must show the browser's zone
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return &browser{t: t, ctx: ctx, base: base, shots: shots}
}

// do runs steps with a deadline.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// open navigates to path and waits for the page.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// click clicks sel, which leaves the page, and waits until the next page
// has loaded and cond (JavaScript) holds on it.
func (b *browser) click(sel, cond string) {
	b.t.Helper()
	b.do("marking the page", chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`))
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	expr := `!document.body.dataset.old && document.readyState === "complete" && (` + cond + `)`
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("after clicking %s: %s never held; page:\n%s", sel, cond, eval[string](b, "document.body.innerText"))
}

// shoot writes a screenshot of the page at 1366 and 390 px wide, and
// fails if the page is wider than the narrow screen.
func (b *browser) shoot(name string) {
	b.t.Helper()
	for _, w := range []int64{1366, 390} {
		b.do("viewport", chromedp.EmulateViewport(w, 900))
		if w == 390 {
			if sw := eval[int](b, "document.documentElement.scrollWidth"); sw > 390 {
				b.t.Errorf("%s at 390 px: the page is %d px wide (scrolls sideways)", name, sw)
			}
		}
		b.save(fmt.Sprintf("%s-%d.png", name, w), chromedp.FullScreenshot(100))
		if w == 390 { // what a phone shows first, without scrolling
			b.save(name+"-390-top.png", chromedp.CaptureScreenshot())
		}
	}
	b.do("viewport", chromedp.EmulateViewport(1366, 900))
}

func (b *browser) save(file string, shot chromedp.Action[[]byte]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", file, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, file), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+jsString(sel)+`) || {innerText: ""}).innerText`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestBrowser drives the UI in headless Chromium as an admin does: log
// in, look at the dashboard, search, adopt a phone whose real bootstrap
// request made it pending, edit its line, bulk-lock, filter the events
// and follow a Why? link, log out; every step asserts on the page, and
// every page is photographed at 1366 and 390 px.
func TestBrowser(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, e.base)
	e.addOffice(t)
	ds := make([]provisioning.Device, 60)
	for i := range ds {
		ds[i] = provisioning.Device{MAC: provisioning.MAC{0x00, 0x15, 0x65, 0, 0, byte(i)}, Account: "office", Vendor: "yealink",
			Model: "T54W", Lines: []provisioning.Line{{Extension: fmt.Sprint(1000 + i), Password: "pw-browser-secret", DisplayName: fmt.Sprintf("Desk %d", i)}}}
	}
	if _, err := e.svc.ImportDevices(t.Context(), ds); err != nil {
		t.Fatal(err)
	}

	// A page asked for without a session shows the login form there.
	b.open("/devices?q=1042")
	if b.text("h1") != "Log in" || eval[bool](b, `!!document.querySelector("#logout")`) {
		t.Fatalf("without a session: %q", b.text("main"))
	}
	b.shoot("login")
	b.do("wrong password", chromedp.SetValue(chromedp.CSS(`input[name=password]`), "wrong"))
	b.click("#login", `document.querySelector(".error") !== null`)
	if !strings.Contains(b.text(".error"), "Wrong user or password") {
		t.Errorf("wrong password: %q", b.text(".error"))
	}
	b.do("password", chromedp.SetValue(chromedp.CSS(`input[name=password]`), testPassword))
	// After login the browser is back on the page it asked for.
	b.click("#login", `location.pathname === "/devices" && location.search === "?q=1042"`)
	if got := b.text("#pageinfo"); !strings.Contains(got, "1 devices") || !strings.Contains(b.text("table.devices"), "00:15:65:00:00:2a") {
		t.Errorf("search by extension after login: %q", got)
	}
	if eval[bool](b, `document.cookie.includes("provbox_session")`) {
		t.Error("the session cookie is readable by script (not HttpOnly)")
	}

	// Dashboard; times rewritten into the browser's zone.
	b.open("/")
	if b.text("#n-devices") != "60" || b.text("#n-open") != "60" {
		t.Errorf("dashboard counts: devices %q open %q", b.text("#n-devices"), b.text("#n-open"))
	}
	if z := b.text(".zone"); !strings.HasPrefix(z, "Times in America/New_York (UTC-0") {
		t.Errorf("the zone note was not rewritten by time.js: %q", z)
	}
	b.shoot("dashboard")

	// Search a MAC typed with dashes, then sort and page.
	b.open("/devices")
	b.do("search", chromedp.SetValue(chromedp.CSS("#q"), "00-15-65-00-00-3B"))
	b.click("#search", `location.search.includes("q=00-15-65-00-00-3B")`)
	if !strings.Contains(b.text("#pageinfo"), "1 devices") || !strings.Contains(b.text("table.devices"), "1059 Desk 59") {
		t.Errorf("search by MAC: %q\n%s", b.text("#pageinfo"), b.text("main"))
	}
	b.open("/devices?sort=lines&dir=desc")
	if first := eval[string](b, `document.querySelector("table.devices tbody tr td.mono a").innerText`); first != "00:15:65:00:00:3b" {
		t.Errorf("sorted by line descending, first %q", first)
	}
	if !strings.Contains(b.text("#pageinfo"), "page 1 of 2 · 60 devices") {
		t.Errorf("paging: %q", b.text("#pageinfo"))
	}
	b.shoot("devices")

	// A phone unknown to provbox boots: its real bootstrap request over
	// a socket is refused and makes it pending; the dashboard shows it,
	// and Adopt opens the add form pre-filled from the sighting.
	if code := e.bootstrap(t, "/805ec0aabbcc.cfg", yealinkUA); code == http.StatusOK {
		t.Fatalf("an unknown phone was served (%d)", code)
	}
	b.open("/")
	if n := b.text("#pending .n"); n != "1" {
		t.Errorf("pending phones on the dashboard: %q", n)
	}
	b.click("a.adopt", `location.pathname === "/devices/new"`)
	if b.text("h1") != "Adopt phone" || eval[string](b, `document.querySelector("input[name=mac]").value`) != "80:5e:c0:aa:bb:cc" ||
		eval[string](b, `document.querySelector("input[name=model]").value`) != "T54W" ||
		eval[string](b, `document.querySelector("select[name=vendor]").value`) != "yealink" {
		t.Errorf("the adopt form is not pre-filled from the sighting: %q", b.text("main"))
	}
	b.do("fill the form",
		chromedp.SetValue(chromedp.CSS(`input[name=ext]`), "2001"),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), "pw-browser-secret"),
		chromedp.SetValue(chromedp.CSS(`input[name=name]`), "Lobby <script>"))
	b.shoot("adopt")
	b.click("#add-device", `location.pathname === "/devices/80:5e:c0:aa:bb:cc"`)
	// The window's end in the page's UTC <time> and as the browser shows it.
	utc := eval[string](b, `document.querySelector("#state time").getAttribute("datetime")`)
	at, err := time.Parse(time.RFC3339, utc)
	ny, _ := time.LoadLocation("America/New_York")
	if err != nil || !strings.Contains(b.text("#state"), "open until "+at.In(ny).Format("2006-01-02 15:04:05")) {
		t.Errorf("state %q: want the window end %s in New York time", b.text("#state"), utc)
	}
	if !strings.Contains(b.text(".flash"), "Phone 80:5e:c0:aa:bb:cc adopted") || !strings.Contains(b.text("#state"), "open until") {
		t.Errorf("device page after adopting: flash %q state %q", b.text(".flash"), b.text("#state"))
	}
	if d, err := e.svc.Device(mustMAC(t, "80:5e:c0:aa:bb:cc")); err != nil || d.Lines[0].DisplayName != "Lobby <script>" {
		t.Errorf("the core's device: %+v %v", d, err)
	}
	if ev := e.lastEvent(t, "adopted"); ev.MAC.String() != "80:5e:c0:aa:bb:cc" || !strings.HasPrefix(ev.Actor, "web:admin@") {
		t.Errorf("the adoption's audit line: %+v", ev)
	}
	if p := eval[string](b, `document.querySelector("#preview").innerText`); !strings.Contains(p, provisioning.Masked) || !strings.Contains(p, "2001") {
		t.Errorf("the config preview: %q", p)
	}
	b.shoot("device")

	// Edit the line: a new display name, the password left blank (kept).
	b.click("#edit-device", `location.pathname === "/devices/80:5e:c0:aa:bb:cc/edit"`)
	if v := eval[string](b, `document.querySelector("#lines tbody tr input[name=name]").value`); v != "Lobby <script>" {
		t.Errorf("the edit form's first line: %q", v)
	}
	b.do("edit the line", chromedp.SetValue(chromedp.CSS(`#lines tbody tr input[name=name]`), "Lobby desk"))
	b.shoot("editdevice")
	b.click("#save-device", `location.pathname === "/devices/80:5e:c0:aa:bb:cc"`)
	if f := b.text(".flash"); f != "Device 80:5e:c0:aa:bb:cc saved." || !strings.Contains(b.text("table.cards"), "Lobby desk") {
		t.Errorf("after the edit: flash %q lines %q", f, b.text("table.cards"))
	}
	if d, _ := e.svc.Device(mustMAC(t, "80:5e:c0:aa:bb:cc")); len(d.Lines) != 1 || d.Lines[0].DisplayName != "Lobby desk" || d.Lines[0].Password != "pw-browser-secret" {
		t.Errorf("the core's device after the edit: %+v", d)
	}

	// Bulk-lock two selected devices.
	b.open("/devices?q=00:15:65:00:00:0")
	b.do("select two", chromedp.Click(chromedp.CSS(`input[value="00:15:65:00:00:01"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`input[value="00:15:65:00:00:02"]`), chromedp.NodeVisible))
	b.click("#bulk-lock", `document.querySelector(".flash") !== null`)
	if f := b.text(".flash"); f != "2 devices locked." {
		t.Errorf("bulk lock flash %q", f)
	}
	for _, m := range []string{"00:15:65:00:00:01", "00:15:65:00:00:02"} {
		if d, _ := e.svc.Device(mustMAC(t, m)); d.Open(e.clock.Now()) {
			t.Errorf("%s still open after the bulk lock", m)
		}
	}
	if row := eval[string](b, `document.querySelector("table.devices tbody tr:nth-child(2)").innerText`); !strings.Contains(row, "locked by admin at") {
		t.Errorf("a row the admin locked does not say so: %q", row)
	}
	b.shoot("bulk-locked")

	// The events page, filtered to refusals; Why? explains the phone's
	// refused bootstrap again, each check with ✔ or ✘.
	b.open("/events")
	b.do("filter", chromedp.SetValue(chromedp.CSS("#f-outcome"), "refused"))
	b.click("#filter", `location.search.includes("outcome=refused")`)
	if rows := eval[int](b, `document.querySelectorAll("table.events tbody tr").length`); rows != 1 ||
		!strings.Contains(b.text("table.events"), "unknown-mac 80:5e:c0:aa:bb:cc") {
		t.Errorf("refusals: %d rows\n%s", rows, b.text("main"))
	}
	b.shoot("events")
	b.click("a.whylink", `location.pathname.endsWith("/why")`)
	if !strings.HasPrefix(b.text("h1"), "Why? Event ") || eval[int](b, `document.querySelectorAll(".verdict").length`) < 3 ||
		eval[int](b, `document.querySelectorAll(".verdict.ok").length`) == 0 || !strings.Contains(b.text("#verdict"), "would get") {
		t.Errorf("the Why? page: %q", b.text("main"))
	}
	b.shoot("why")

	for _, p := range []string{"/devices/import", "/pending", "/accounts", "/accounts/office", "/leases", "/bans"} {
		b.open(p)
		b.shoot(strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "-"))
	}

	// Log out: back to the login form, and the session is gone.
	b.click("#logout", `location.pathname === "/login"`)
	b.open("/devices")
	if b.text("h1") != "Log in" {
		t.Errorf("after logout /devices shows %q", b.text("h1"))
	}
	if strings.Contains(eval[string](b, "document.documentElement.outerHTML"), "pw-browser-secret") {
		t.Error("a page shows a password")
	}
	t.Logf("screenshots in %s", b.shots)
}
