package ops

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// TestSafeCSVCell: every way a spreadsheet starts a formula is defused,
// and ordinary cells pass unchanged.
func TestSafeCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Yealink SIP-T46U 66.86.0.15", "Yealink SIP-T46U 66.86.0.15"},
		{"a=b", "a=b"},
		{"10.0.0.1", "10.0.0.1"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\tplain", "'\tplain"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"\x00=1", "'\x00=1"},
		{"   =1+1", "'   =1+1"},
		{" \u00a0@x", "' \u00a0@x"},
		{"\x01-1", "'\x01-1"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠x", "'＠x"},
		{"  ＝1", "'  ＝1"},
		{"  plain", "  plain"},
	} {
		if got := SafeCSVCell(tc.in); got != tc.want {
			t.Errorf("SafeCSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEventsCSVDefused: the audit export passes a hostile User-Agent
// and file name through the guard.
func TestEventsCSVDefused(t *testing.T) {
	var buf bytes.Buffer
	es := []provisioning.Event{{ID: 1, Proto: "http", Outcome: "ok", File: "\n=cmd|' /C calc'!A0", UA: "  ＝HYPERLINK(\"x\")"}}
	if err := WriteEventsCSV(&buf, es); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][8]; got != "'\n=cmd|' /C calc'!A0" {
		t.Errorf("file cell %q", got)
	}
	if got := recs[1][9]; got != "'  ＝HYPERLINK(\"x\")" {
		t.Errorf("ua cell %q", got)
	}
}
