package lab

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// TestTablesFit120Columns: a phone row with the longest values the demo
// prints still fits 120 columns, headers whole, long cells cut with "…".
func TestTablesFit120Columns(t *testing.T) {
	long := "http://[fe80::a8c1:abff:fe00:1%25eth0]:8080/0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef/"
	rows := []string{
		"VENDOR\tMAC\tADDRESS\tOPTION\tBOOTSTRAP\tREDIRECT\tSECRET FETCH\tLOCKED\tREBOOT\tRESULT",
		"cisco-spa\t00:0e:08:aa:bb:cc\t10.77.0.101\t66 " + long + "\thttp (12 req)\tspa000e08aabbcc.xml, DHCP off\t" + long + " (2 line(s))\tyes\tDHCP 10.77.0.101, straight to secret\tok",
	}
	out := fitTable(rows, tableWidth)
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(strings.TrimRight(l, " ")); n > tableWidth {
			t.Errorf("line of %d columns:\n%s", n, l)
		}
	}
	if !strings.HasPrefix(out, "VENDOR") || !strings.Contains(out, "SECRET FETCH") || !strings.Contains(out, "…") {
		t.Errorf("headers cut or nothing abbreviated:\n%s", out)
	}
}

// TestLegendExplainsEveryReason: each refusal reason in the attackers'
// table is explained under it.
func TestLegendExplainsEveryReason(t *testing.T) {
	r := &Result{Attackers: []AttackResult{{Role: "x", Attack: &phone.Attack{}, Reasons: []string{"no-lease", "unknown-mac"}}}}
	var b bytes.Buffer
	r.printLegend(&b)
	for _, want := range []string{"ANY REPLY", "no-lease          the requester holds no DHCP lease", "unknown-mac       no device with that MAC"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("legend lacks %q:\n%s", want, b.String())
		}
	}
}
