package lab

import (
	"regexp"
	"strings"
	"testing"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// TestFunnelJudge: the funnel parsed from an exposition passes when it
// matches the phones and names each mismatch otherwise.
func TestFunnelJudge(t *testing.T) {
	text := `# HELP provbox_funnel_total x
# TYPE provbox_funnel_total counter
provbox_funnel_total{stage="bootstrap",vendor="yealink"} 2
provbox_funnel_total{stage="config",vendor="yealink"} 2
provbox_funnel_total{stage="dhcp_offer",vendor="yealink"} 1
provbox_funnel_total{stage="locked",vendor="yealink"} 1
provbox_funnel_total{stage="redirect",vendor="yealink"} 1
provbox_funnel_total{stage="locked",vendor="snom"} 0
`
	r := &Result{Funnel: parseFunnel(text), Phones: []PhoneResult{
		{Vendor: "yealink", State: "locked", Journey: &phone.Journey{Location: phone.Location{Option: 66}}},
	}}
	if got := r.Funnel["yealink"]["bootstrap"]; got != 2 {
		t.Fatalf("parsed bootstrap %v, want 2", got)
	}
	if p := r.funnelProblems(true); len(p) != 0 {
		t.Fatalf("problems on a matching funnel: %v", p)
	}
	r.Phones = append(r.Phones, PhoneResult{Vendor: "snom", State: "locked", Journey: &phone.Journey{Location: phone.Location{Option: 66}}})
	p := strings.Join(r.funnelProblems(true), "\n")
	for _, want := range []string{"snom: 0 locked, 1 phones locked", "snom: 0 DHCP offers", "snom: config 0, fewer than the 1 phones locked"} {
		if !strings.Contains(p, want) {
			t.Errorf("problems lack %q:\n%s", want, p)
		}
	}
	r.Funnel["yealink"]["locked"] = 3
	if p := strings.Join(r.funnelProblems(true), "\n"); !strings.Contains(p, "yealink: 3 locks but 2 full configs served") {
		t.Errorf("a lock without a config passes:\n%s", p)
	}
	r.Funnel["yealink"]["locked"] = 1
	var out strings.Builder
	r.printFunnel(&out)
	if !strings.Contains(out.String(), "FUNNEL (from /metrics)") || !regexp.MustCompile(`yealink +1 +2 +1 +2 +1`).MatchString(out.String()) {
		t.Errorf("printed funnel:\n%s", out.String())
	}
}
