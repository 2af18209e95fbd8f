package ops

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestParse: every text input an admin types is refused with a message
// naming the value, as bad input (400).
func TestParse(t *testing.T) {
	mac := func(s string) error { _, err := ParseMAC(s); return err }
	dur := func(s string) error { _, err := ParseFor("unlock for", s); return err }
	ip := func(s string) error { _, err := ParseIP(s); return err }
	ev := func(q EventQuery) func(string) error { return func(string) error { _, err := q.filter(); return err } }
	dev := func(s string) error { _, err := DeviceInput{MAC: "805ec0112233", IP: s}.device(); return err }
	cases := []struct {
		name  string
		parse func(string) error
		in    string
		want  string // "" means accepted
	}{
		{"mac", mac, "80:5e:c0:11:22:33", ""},
		{"mac", mac, "80:5e:c0", `malformed MAC "80:5e:c0"`},
		{"duration", dur, "", ""},
		{"duration", dur, "2h", ""},
		{"duration", dur, "forever", `unlock for "forever": want a positive duration`},
		{"duration", dur, "-1h", `unlock for "-1h": want a positive duration`},
		{"ip", ip, "::ffff:10.0.0.1", ""},
		{"ip", ip, "10.0.0", `IP "10.0.0" is not an address`},
		{"event mac", ev(EventQuery{MAC: "zz"}), "", `malformed MAC "zz"`},
		{"event since", ev(EventQuery{Since: "yesterday"}), "", `since "yesterday": want an RFC 3339 time`},
		{"event limit", ev(EventQuery{Limit: "-3"}), "", `limit "-3": want a number`},
		{"event all", ev(EventQuery{MAC: "805ec0112233", Since: "2026-11-27T06:00:00Z", Limit: "5"}), "", ""},
		{"reservation", dev, "10.0.0.9", ""},
		{"reservation", dev, "2001:db8::1", `device 80:5e:c0:11:22:33: ip "2001:db8::1" is not an IPv4 address`},
	}
	for _, tc := range cases {
		err := tc.parse(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %q: %v", tc.name, tc.in, err)
		case tc.want == "":
		case err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrBadInput):
			t.Errorf("%s %q: got %v, want bad input saying %q", tc.name, tc.in, err, tc.want)
		}
	}
}

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		code int
		ok   bool
	}{
		{Badf("x"), http.StatusBadRequest, true},
		{fmt.Errorf("%w: line 1", provisioning.ErrInvalid), http.StatusBadRequest, true},
		{fmt.Errorf("x: %w", provisioning.ErrNotBannable), http.StatusBadRequest, true},
		{fmt.Errorf("x: %w", provisioning.ErrNotFound), http.StatusNotFound, true},
		{fmt.Errorf("x: %w", provisioning.ErrExists), http.StatusConflict, true},
		{errNoBans, http.StatusNotImplemented, true},
		{errNoGrace, http.StatusNotImplemented, true},
		{errors.New("disk on fire"), http.StatusInternalServerError, false},
	}
	for _, tc := range cases {
		if code, ok := Status(tc.err); code != tc.code || ok != tc.ok {
			t.Errorf("%v: %d %v, want %d %v", tc.err, code, ok, tc.code, tc.ok)
		}
	}
}

// TestOperations drives the operations against a real core: a device
// added by text input, unlocked, rekeyed without grace, counted under
// its account, removed; a ban added and lifted by its text address.
func TestOperations(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o, ctx := New(svc), t.Context()
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx"}); err != nil {
		t.Fatal(err)
	}
	in := DeviceInput{MAC: "80-5E-C0-11-22-33", Account: "office", Vendor: "yealink", IP: "10.20.0.50",
		Lines: []provisioning.Line{{Extension: "201", Password: "s3cret"}}}
	v, err := o.AddDevice(ctx, in)
	if err != nil || v.MAC.String() != "80:5e:c0:11:22:33" || v.IP.String() != "10.20.0.50" {
		t.Fatalf("add: %+v %v", v, err)
	}
	if _, err := o.AddDevice(ctx, in); !errors.Is(err, provisioning.ErrExists) {
		t.Errorf("second add: %v, want ErrExists", err)
	}
	if _, err := o.ImportDevices(ctx, []DeviceInput{in, {MAC: "nope"}}); err == nil || !strings.HasPrefix(err.Error(), `device 2: malformed MAC "nope"`) {
		t.Errorf("import naming the bad device: %v", err)
	}
	if v, err = o.LockDevice(ctx, "805ec0112233"); err != nil || v.State != "locked" {
		t.Fatalf("lock: %s %v", v.State, err)
	}
	if v, err = o.UnlockDevice(ctx, "805ec0112233", time.Hour); err != nil || v.State != "open" {
		t.Fatalf("unlock: %s %v", v.State, err)
	}
	old := v.SecretURL
	if v, err = o.RekeyDevice(ctx, "805ec0112233", true); err != nil || v.SecretURL == old || len(v.OldPaths) != 0 {
		t.Fatalf("rekey without grace: %v, old paths %v", err, v.OldPaths)
	}
	if as := o.Accounts(); len(as) != 1 || as[0].Devices != 1 {
		t.Errorf("accounts: %+v, want office with 1 device", as)
	}
	if m, err := o.RemoveDevice(ctx, "805ec0112233"); err != nil || m.String() != "80:5e:c0:11:22:33" {
		t.Fatalf("remove: %v %v", m, err)
	}
	if _, err := o.Device("805ec0112233"); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("removed device: %v, want ErrNotFound", err)
	}
	if b, err := o.AddBan(ctx, "192.0.2.7", time.Hour, "by hand"); err != nil || b.Prefix.String() != "192.0.2.7/32" {
		t.Fatalf("ban: %+v %v", b, err)
	}
	if ip, err := o.Unban(ctx, "::ffff:192.0.2.7"); err != nil || ip.String() != "192.0.2.7" {
		t.Fatalf("unban: %v %v", ip, err)
	}
	if bs, err := o.Bans(); err != nil || len(bs) != 0 {
		t.Errorf("bans after lifting: %v %v", bs, err)
	}
}
