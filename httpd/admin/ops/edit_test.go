package ops

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestEventSearchParse: the search's text inputs are refused by name.
func TestEventSearchParse(t *testing.T) {
	cases := []struct {
		q    EventSearch
		want string
	}{
		{EventSearch{IP: "10.0.0.1", Outcome: "refused", Reason: "unknown-mac", Until: "2026-11-27T06:00:00Z", Before: "7", Offset: "50"}, ""},
		{EventSearch{IP: "10.0.0"}, `IP "10.0.0" is not an address`},
		{EventSearch{Until: "soon"}, `until "soon": want an RFC 3339 time`},
		{EventSearch{Before: "0"}, `before "0": want an event ID`},
		{EventSearch{Offset: "-1"}, `offset "-1": want a number`},
	}
	for _, tc := range cases {
		f, err := EventQuery{EventSearch: tc.q, Limit: "999999"}.filter()
		switch {
		case tc.want == "" && (err != nil || f.Limit != MaxEvents || f.BeforeID != 7 || f.Offset != 50):
			t.Errorf("%+v: %+v %v", tc.q, f, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrBadInput)):
			t.Errorf("%+v: %v, want bad input %q", tc.q, err, tc.want)
		}
	}
}

// TestAdoptAndAuditThroughOps: an adoption with the vendor and model of
// the sighting, audited with the context's actor; a CSV cell a
// spreadsheet would run is defused.
func TestAdoptAndAuditThroughOps(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://10.20.0.2"})
	o := New(svc)
	ctx := WithActor(t.Context(), Actor{Kind: "web", Name: "admin", Addr: "10.0.0.5"})
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx"}); err != nil {
		t.Fatal(err)
	}
	svc.Boot(provisioning.BootRequest{MAC: provisioning.MAC{0x80, 0x5e, 0xc0, 1, 2, 3}, VendorClass: []byte("yealink SIP-T46U")})
	v, err := o.Adopt(ctx, DeviceInput{MAC: "80-5e-c0-01-02-03", Account: "office",
		Lines: []provisioning.Line{{Extension: "201", Password: "pw"}}})
	if err != nil || v.Vendor != "yealink" || v.Model != "SIP-T46U" {
		t.Fatalf("adopt: %+v %v", v, err)
	}
	if _, err := o.Adopt(ctx, DeviceInput{MAC: "80-5e-c0-01-02-03", Account: "office"}); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("second adoption: %v, want not pending", err)
	}
	es, err := o.Events(ctx, EventQuery{EventSearch: EventSearch{Outcome: "adopted"}})
	if err != nil || len(es) != 1 || es[0].Actor != "web:admin@10.0.0.5" || es[0].MAC != v.MAC {
		t.Fatalf("audit: %+v %v", es, err)
	}
	var b bytes.Buffer
	es[0].Reason = "=HYPERLINK(1)"
	es[0].Time = time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	if err := WriteEventsCSV(&b, es); err != nil || !strings.Contains(b.String(), ",'=HYPERLINK(1),") {
		t.Errorf("CSV: %v\n%s", err, b.String())
	}
}
