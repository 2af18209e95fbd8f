package lab

import (
	"fmt"
	"io"
	"slices"
)

// reasonMeaning explains each refusal reason the audit trail records
// (provisioning/fetch.go, dhcp/relay.go), for the demo's legend.
var reasonMeaning = map[string]string{
	"bad-path":         "the path is not one provbox serves",
	"unknown-file":     "no vendor asks for a file of that name",
	"unknown-mac":      "no device with that MAC is configured",
	"locked":           "the device already provisioned; its bootstrap is closed",
	"bad-hash":         "wrong account or device hash in a secret URL",
	"file-mac":         "the file's MAC is not the device's of that secret URL",
	"user-agent":       "the User-Agent is not the device's vendor's",
	"ua-mac":           "the User-Agent names another MAC",
	"no-lease":         "the requester holds no DHCP lease for that device",
	"neighbour":        "the neighbour table shows another MAC at that address",
	"unverified":       "no check could vouch for the requester",
	"relay-not-listed": "relayed DHCP from an agent no subnet lists",
	"render-error":     "the device's config could not be rendered",
}

// printLegend explains the columns of the attackers' table and every
// refusal reason it shows.
func (r *Result) printLegend(w io.Writer) {
	fmt.Fprintln(w, "REQUESTS: files the attacker asked for; ANY REPLY: how many got any reply at all (a 404 or a TFTP error counts;")
	fmt.Fprintln(w, "  no reply carried credentials unless RESULT says so); REFUSED FOR: the reasons in the audit trail:")
	var seen []string
	for _, a := range r.Attackers {
		for _, reason := range a.Reasons {
			if !slices.Contains(seen, reason) {
				seen = append(seen, reason)
			}
		}
	}
	slices.Sort(seen)
	for _, reason := range seen {
		m, ok := reasonMeaning[reason]
		if !ok {
			m = "(see the audit trail)"
		}
		fmt.Fprintf(w, "  %-16s  %s\n", reason, m)
	}
}
