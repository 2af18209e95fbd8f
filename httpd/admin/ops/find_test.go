package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// fleet adds n devices to svc's account "office" (vendors alternating
// yealink and snom, models T54W / D785, one line each: extension 1000+i,
// "Desk i") through ImportDevices, and returns the operations.
func fleet(t testing.TB, svc *provisioning.Service, n int) *Ops {
	t.Helper()
	o := New(svc)
	ctx := context.Background()
	if _, err := o.svc.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example"}); err != nil {
		t.Fatal(err)
	}
	in := make([]DeviceInput, n)
	for i := range in {
		vendor, model := "yealink", "T54W"
		if i%2 == 1 {
			vendor, model = "snom", "D785"
		}
		in[i] = DeviceInput{MAC: fmt.Sprintf("00:15:65:%02x:%02x:%02x", i>>16, (i>>8)&0xff, i&0xff), Account: "office",
			Vendor: vendor, Model: model, Lines: []provisioning.Line{{Extension: fmt.Sprint(1000 + i), Password: "pw", DisplayName: fmt.Sprintf("Desk %d", i)}}}
	}
	if _, err := o.ImportDevices(ctx, in); err != nil {
		t.Fatal(err)
	}
	return o
}

func macs(p DevicePage) []string {
	var out []string
	for _, r := range p.Rows {
		out = append(out, r.MAC.String())
	}
	return out
}

func TestFindDevices(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o := fleet(t, svc, 120)
	if _, err := svc.LockDevice(context.Background(), mustParse(t, "00:15:65:00:00:05")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		q           DeviceQuery
		total, page int
		first       string
	}{
		{"all, first page", DeviceQuery{}, 120, 1, "00:15:65:00:00:00"},
		{"page 3", DeviceQuery{Page: "3"}, 120, 3, "00:15:65:00:00:64"},
		{"mac with colons", DeviceQuery{Q: "00:15:65:00:00:6f"}, 1, 1, "00:15:65:00:00:6f"},
		{"mac with dashes, upper case", DeviceQuery{Q: "00-15-65-00-00-6F"}, 1, 1, "00:15:65:00:00:6f"},
		{"mac bare", DeviceQuery{Q: "00156500006f"}, 1, 1, "00:15:65:00:00:6f"},
		{"mac dotted", DeviceQuery{Q: "0015.6500.006f"}, 1, 1, "00:15:65:00:00:6f"},
		{"mac tail", DeviceQuery{Q: "00:6f"}, 1, 1, "00:15:65:00:00:6f"},
		{"extension", DeviceQuery{Q: "1042"}, 1, 1, "00:15:65:00:00:2a"},
		{"display name", DeviceQuery{Q: "desk 7"}, 1 + 10, 1, "00:15:65:00:00:07"},
		{"model", DeviceQuery{Q: "d785"}, 60, 1, "00:15:65:00:00:01"},
		{"vendor filter", DeviceQuery{Vendor: "yealink"}, 60, 1, "00:15:65:00:00:00"},
		{"state filter", DeviceQuery{State: "locked"}, 1, 1, "00:15:65:00:00:05"},
		{"account filter, none", DeviceQuery{Account: "elsewhere"}, 0, 1, ""},
		{"sort by extension, descending", DeviceQuery{Sort: "lines", Desc: true}, 120, 1, "00:15:65:00:00:77"},
		{"sort by state", DeviceQuery{Sort: "state", Desc: true}, 120, 1, "00:15:65:00:00:00"},
		{"sort by state ascending: locked first", DeviceQuery{Sort: "state"}, 120, 1, "00:15:65:00:00:05"},
		{"page past the end", DeviceQuery{Page: "9"}, 120, 9, ""},
	}
	for _, tc := range cases {
		p, err := o.FindDevices(tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := macs(p)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if p.Total != tc.total || p.Page != tc.page || first != tc.first || len(got) > PageSize {
			t.Errorf("%s: total %d page %d first %q (%d rows), want %d, %d, %q", tc.name, p.Total, p.Page, first, len(got), tc.total, tc.page, tc.first)
		}
	}
	// Every sort gives every device once across the pages.
	for _, col := range DeviceSorts {
		var all []string
		for page := 1; page <= 3; page++ {
			p, err := o.FindDevices(DeviceQuery{Sort: col, Page: fmt.Sprint(page)})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, macs(p)...)
		}
		slices.Sort(all)
		if len(slices.Compact(all)) != 120 {
			t.Errorf("sort %s: %d distinct devices across the pages, want 120", col, len(all))
		}
	}
	for q, want := range map[DeviceQuery]string{
		{Sort: "password"}: `sort "password": want one of`, {State: "gone"}: `state "gone": want open or locked`,
		{Page: "0"}: `page "0": want a number from 1`, {Page: "x"}: `page "x": want a number from 1`,
	} {
		if _, err := o.FindDevices(q); err == nil || !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want bad input %q", q, err, want)
		}
	}
}

func mustParse(t *testing.T, s string) provisioning.MAC {
	t.Helper()
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
