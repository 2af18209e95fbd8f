package admin

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// serveSocket serves the API over a real core on a real unix socket and
// returns a client of it.
func serveSocket(t *testing.T) (*provisioning.Service, *Client) {
	t.Helper()
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://192.0.2.1", Checks: provisioning.DefaultChecks(false),
		Unverified: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	path := filepath.Join(t.TempDir(), "admin.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(svc, "test", nil).Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	cl := Dial(path)
	t.Cleanup(cl.Close)
	return svc, cl
}

func status(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// TestAdoptEditAuditOverSocket drives pending, adoption, edits, preview,
// removal and the audit search through the real admin socket; every
// change is audited under the unix user of this process (SO_PEERCRED).
func TestAdoptEditAuditOverSocket(t *testing.T) {
	svc, cl := serveSocket(t)
	ctx := t.Context()
	if _, err := cl.AddAccount(ctx, AccountInput{Name: "office"}); status(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "SIP server missing") {
		t.Fatalf("account without SIP server: %v", err)
	}
	if _, err := cl.AddAccount(ctx, AccountInput{Name: "office", SIPServer: "pbx", TimeZone: "Europe/Nowhere"}); status(err) != http.StatusBadRequest {
		t.Fatalf("unknown time zone: %v", err)
	}
	if _, err := cl.AddAccount(ctx, AccountInput{Name: "office", SIPServer: "pbx.example.org", TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	// An unknown Yealink asks for its file: refused, and pending.
	ua := "Yealink SIP-T46U 108.86.0.20 80:5e:c0:aa:bb:cc"
	req := provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/805ec0aabbcc.cfg", RemoteIP: netip.MustParseAddr("192.0.2.50"), UserAgent: ua}
	if resp := svc.Fetch(ctx, req); resp.Found {
		t.Fatal("an unknown phone was served")
	}
	ps, err := cl.Pending(ctx)
	if err != nil || len(ps) != 1 || ps[0].MAC != "80:5e:c0:aa:bb:cc" || ps[0].Vendor != "yealink" || ps[0].Model != "T46U" {
		t.Fatalf("pending: %+v %v", ps, err)
	}
	if _, err := cl.Adopt(ctx, "80:5e:c0:00:00:01", AdoptInput{Account: "office"}); status(err) != http.StatusNotFound {
		t.Errorf("adopting a MAC that never asked: %v", err)
	}
	d, err := cl.Adopt(ctx, "805EC0AABBCC", AdoptInput{Account: "office", Lines: []LineInput{{Extension: "201", Password: "pw-201"}}})
	if err != nil || d.Vendor != "yealink" || d.Model != "T46U" || d.State != "open" {
		t.Fatalf("adopt: %+v %v", d, err)
	}
	if ps, _ := cl.Pending(ctx); len(ps) != 0 {
		t.Errorf("still pending after adoption: %+v", ps)
	}
	if resp := svc.Fetch(ctx, req); !resp.Found {
		t.Error("the adopted phone, retrying, gets no redirect")
	}
	// Edit: lines replaced, the kept password never shown.
	lines := []LineInput{{Extension: "201"}, {Extension: "202", Password: "pw-202", DisplayName: "Desk"}}
	model := "T46S"
	d, err = cl.EditDevice(ctx, d.MAC, DeviceEditInput{Model: &model, Lines: &lines})
	if err != nil || len(d.Lines) != 2 || d.Model != "T46S" {
		t.Fatalf("edit: %+v %v", d, err)
	}
	zone := "Mars/Base"
	if _, err := cl.UpdateAccount(ctx, "office", AccountEditInput{TimeZone: &zone}); status(err) != http.StatusBadRequest {
		t.Errorf("bad zone on edit: %v", err)
	}
	zone = "Europe/Paris"
	if a, err := cl.UpdateAccount(ctx, "office", AccountEditInput{TimeZone: &zone}); err != nil || a.TimeZone != zone || a.Devices != 1 {
		t.Errorf("account edit: %+v %v", a, err)
	}
	before, _ := cl.Events(ctx, "", time.Time{}, 0)
	p, err := cl.Preview(ctx, d.MAC)
	if err != nil || !strings.Contains(p.Body, provisioning.Masked) || strings.Contains(p.Body, "pw-20") || !strings.Contains(p.Body, "pbx.example.org") || p.File != "805ec0aabbcc.cfg" {
		t.Fatalf("preview: %v\n%s", err, p.Body)
	}
	after, _ := cl.Events(ctx, "", time.Time{}, 0)
	if len(after) != len(before) {
		t.Errorf("the preview left an audit line: %d -> %d", len(before), len(after))
	}
	if d2, _ := cl.Device(ctx, d.MAC); d2.State != "open" {
		t.Errorf("the preview locked the device: %s", d2.State)
	}
	nd, err := cl.ReplaceDevice(ctx, d.MAC, "80:5e:c0:aa:bb:dd")
	if err != nil || nd.MAC != "80:5e:c0:aa:bb:dd" || len(nd.Lines) != 2 || nd.SecretURL == d.SecretURL || nd.State != "open" {
		t.Fatalf("replace: %+v %v", nd, err)
	}
	if _, err := cl.Device(ctx, d.MAC); status(err) != http.StatusNotFound {
		t.Errorf("the old MAC is still a device: %v", err)
	}
	if _, err := cl.RemoveAccount(ctx, "office", false); status(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "used by 1 device") {
		t.Errorf("removing a used account: %v", err)
	}
	if r, err := cl.RemoveAccount(ctx, "office", true); err != nil || len(r.Devices) != 1 {
		t.Errorf("forced removal: %+v %v", r, err)
	}
	checkAudit(t, cl)
}

// checkAudit: each change has its line with this process's user as the
// actor; the refusal of the unknown MAC is found by MAC; the CSV export
// holds the same lines.
func checkAudit(t *testing.T, cl *Client) {
	ctx := t.Context()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	actor := fmt.Sprintf("cli:%s (pid %d)", u.Username, os.Getpid())
	admin, err := cl.SearchEvents(ctx, EventSearch{Limit: 100, Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range admin {
		if e.Proto == "admin" {
			got[e.Outcome] = e.Actor
		}
	}
	for _, o := range []string{"account-added", "adopted", "device-changed", "account-changed", "device-replaced", "account-removed"} {
		if got[o] != actor {
			t.Errorf("audit %s: actor %q, want %q (all: %v)", o, got[o], actor, got)
		}
	}
	refused, err := cl.SearchEvents(ctx, EventSearch{MAC: "80:5e:c0:aa:bb:cc", Outcome: "refused", Reason: "unknown-mac"})
	if err != nil || len(refused) != 1 || refused[0].MAC != "80:5e:c0:aa:bb:cc" {
		t.Errorf("refusal of the unknown MAC by MAC: %+v %v", refused, err)
	}
	if _, err := cl.SearchEvents(ctx, EventSearch{IP: "not-an-ip"}); status(err) != http.StatusBadRequest {
		t.Errorf("bad ip filter: %v", err)
	}
	page, _ := cl.SearchEvents(ctx, EventSearch{Limit: 2})
	next, _ := cl.SearchEvents(ctx, EventSearch{Limit: 2, Before: page[1].ID})
	if len(page) != 2 || len(next) != 2 || next[0].Time.After(page[1].Time) || next[0].Time.Equal(page[1].Time) && next[0].ID >= page[1].ID {
		t.Errorf("paging after the last line shown: %+v then %+v", page, next)
	}
	var b bytes.Buffer
	if err := cl.EventsCSV(ctx, EventSearch{Outcome: "adopted"}, &b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(io.Reader(&b)).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "id" || rows[1][5] != "adopted" || rows[1][7] != actor {
		t.Errorf("CSV: %q %v", rows, err)
	}
}
