package lab

import (
	"fmt"
	"strings"

	"github.com/provbox/provbox/cmd/internal/phone"
)

func (p PhoneResult) row() string {
	j := p.Journey
	if j == nil {
		j = &phone.Journey{}
	}
	opt, proto, redirect, secret, reboot := "-", "-", "-", "-", "-"
	if j.Location.Option != 0 {
		opt = fmt.Sprintf("%d %s", j.Location.Option, j.Location.Value)
		proto = fmt.Sprintf("%s (%d req)", j.Location.Proto(), len(j.Bootstrap))
	}
	if j.RedirectFrom != "" {
		redirect = fileOf(j.RedirectFrom)
		if j.DHCPOff {
			redirect += ", DHCP off"
		}
	}
	if j.SecretURL != "" {
		secret = phone.Redact(j.SecretURL)
		if len(j.Lines) > 0 {
			secret += fmt.Sprintf(" (%d line(s))", len(j.Lines))
		}
	}
	if j.Reboot != nil {
		reboot = "DHCP " + j.Reboot.IP
		if j.Reboot.SameLines {
			reboot += ", straight to secret"
		}
	}
	result := "ok"
	if len(p.Problems) > 0 {
		result = "FAIL"
	}
	return strings.Join([]string{p.Vendor, p.MAC, dash(j.IP), opt, proto, redirect, secret,
		yesNo(p.State == "locked"), reboot, result}, "\t")
}

func (a AttackResult) row(bansUnknown bool) string {
	ip, n, answered := "-", 0, 0
	if a.Attack != nil {
		ip, n = dash(a.Attack.IP), len(a.Attack.Requests)
		for _, f := range a.Attack.Requests {
			if f.Answered() {
				answered++
			}
		}
	}
	result := "stopped"
	if len(a.Problems) > 0 {
		result = "GOT THROUGH / FAIL"
	}
	banned := yesNo(a.Banned)
	if bansUnknown {
		banned = "unknown"
	}
	reasons := "-"
	if len(a.Reasons) > 0 {
		reasons = strings.Join(a.Reasons, ",")
	}
	return strings.Join([]string{a.Role, ip, a.Target, fmt.Sprint(n), fmt.Sprint(answered), reasons, banned, result}, "\t")
}

func fileOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
