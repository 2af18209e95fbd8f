package lab

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// Result is the outcome of a lab run.
type Result struct {
	Sabotage  Sabotage       `json:"sabotage,omitempty"`
	Phones    []PhoneResult  `json:"phones"`
	Attackers []AttackResult `json:"attackers"`
	Rekeys    []RekeyResult  `json:"rekeys,omitempty"`
	Adopt     *AdoptResult   `json:"adopt,omitempty"` // adopt.go
	// Failures name the phone or attacker that showed each problem.
	Failures []string `json:"failures,omitempty"`
	// Notes are observations that are not failures (a file a phone could
	// not read and ignored, the ban list being unavailable).
	Notes []string `json:"notes,omitempty"`
	// Funnel is provbox_funnel_total scraped after the phones ran.
	Funnel Funnel `json:"funnel,omitempty"`
	// DaemonLog is the end of provbox's log when the run failed.
	DaemonLog   string `json:"-"`
	bansUnknown bool
}

// OK is true when every phone provisioned, no attacker got a credential
// and every attacker was refused or banned.
func (r *Result) OK() bool { return len(r.Failures) == 0 }

func (r *Result) sort(vendors []string) {
	slices.SortFunc(r.Phones, func(a, b PhoneResult) int {
		return slices.Index(vendors, a.Vendor) - slices.Index(vendors, b.Vendor)
	})
	slices.SortFunc(r.Attackers, func(a, b AttackResult) int {
		return slices.Index(phone.Roles, a.Role) - slices.Index(phone.Roles, b.Role)
	})
}

// banEntry is the part of `provbox ban list --json` the lab reads.
type banEntry struct {
	Prefix string `json:"prefix"`
}

// judge checks every phone and attacker against the daemon's state and
// the secrets the lab set, and fills in Failures.
func (l *run) judge(ctx context.Context, res *Result) error {
	var bans []banEntry
	if err := l.d.cliJSON(ctx, &bans, "ban", "list"); err != nil {
		// Refused is enough to pass; the ban column then says unknown.
		res.Notes = append(res.Notes, "ban state unknown: "+err.Error())
		res.bansUnknown = true
	}
	for i := range res.Phones {
		pr := &res.Phones[i]
		l.judgePhone(ctx, pr)
		if pr.Journey != nil {
			for _, r := range pr.Journey.Rejected {
				res.Notes = append(res.Notes, fmt.Sprintf("phone %s could not read (ignored) %s", pr.Vendor, phone.Redact(r)))
			}
		}
		for _, p := range pr.Problems {
			res.Failures = append(res.Failures, fmt.Sprintf("phone %s %s: %s", pr.Vendor, pr.MAC, p))
		}
	}
	refused, err := l.refusals(ctx)
	if err != nil {
		return err
	}
	for i := range res.Attackers {
		ar := &res.Attackers[i]
		if err := l.judgeAttacker(ctx, ar, bans); err != nil {
			return err
		}
		l.setReasons(ar, refused)
		ip := "?"
		if ar.Attack != nil {
			ip = ar.Attack.IP
		}
		if ar.Attack != nil && ar.Attack.Flood != "" {
			res.Notes = append(res.Notes, fmt.Sprintf("attacker %s sent %s", ar.Role, ar.Attack.Flood))
		}
		for _, p := range ar.Problems {
			res.Failures = append(res.Failures, fmt.Sprintf("attacker %s (%s): %s", ar.Role, ip, p))
		}
	}
	return nil
}

func (l *run) judgePhone(ctx context.Context, pr *PhoneResult) {
	j, d := pr.Journey, pr.dev
	if j == nil {
		return // the emulator's own error is already a problem
	}
	if j.Err != "" {
		pr.Problems = append(pr.Problems, j.Err)
	}
	if j.SecretURL != "" && !l.secretMatches(ctx, d, j.SecretURL) {
		pr.Problems = append(pr.Problems, "redirected to "+phone.Redact(j.SecretURL)+", not the device's secret URL")
	}
	if j.Err == "" && !slices.ContainsFunc(j.Lines, func(x phone.Line) bool { return x.User == d.Ext && x.Password == d.Password }) {
		pr.Problems = append(pr.Problems, fmt.Sprintf("the full config does not carry line %s with the password the admin set", d.Ext))
	}
	if pr.State != "locked" {
		pr.Problems = append(pr.Problems, fmt.Sprintf("device is %q after its full-config fetch, want locked", pr.State))
	}
}

// secretMatches reports whether u has the device's secret path.
func (l *run) secretMatches(ctx context.Context, d *device, u string) bool {
	info, err := l.show(ctx, d)
	if err != nil {
		return false
	}
	want, err1 := url.Parse(info.SecretURL)
	got, err2 := url.Parse(u)
	return err1 == nil && err2 == nil && want.Path != "" && strings.HasPrefix(got.Path, want.Path)
}

func (l *run) judgeAttacker(ctx context.Context, ar *AttackResult, bans []banEntry) error {
	a := ar.Attack
	if a == nil {
		return nil
	}
	if a.Err != "" {
		ar.Problems = append(ar.Problems, "could not attack: "+a.Err)
	}
	if ip, err := netip.ParseAddr(a.IP); err == nil {
		for _, b := range bans {
			if p, err := netip.ParsePrefix(b.Prefix); err == nil && p.Contains(ip) {
				ar.Banned = true
			}
		}
	}
	ar.Problems = append(ar.Problems, l.leaks(a)...)
	for _, d := range a.Denied {
		ar.Problems = append(ar.Problems, "DENIED "+d)
	}
	if !ar.Banned && a.Err == "" && !slices.ContainsFunc(a.Requests, phone.Fetch.Answered) {
		ar.Problems = append(ar.Problems, "never got an answer from the server, so proved nothing")
	}
	if ar.dev != nil && ar.dev.Role == ar.Role {
		info, err := l.show(ctx, ar.dev)
		if err != nil {
			return err
		}
		if info.State != "open" {
			ar.Problems = append(ar.Problems, fmt.Sprintf("its target %s is %q: someone fetched its full config", ar.dev, info.State))
		}
	}
	return nil
}

// leaks lists every credential or secret URL the attacker obtained.
func (l *run) leaks(a *phone.Attack) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range a.Requests {
		if d, ok := l.owner(string(f.Body)); ok && !seen[d.Password] {
			seen[d.Password] = true
			out = append(out, fmt.Sprintf("GOT the SIP password of %s from %s", d, phone.Redact(f.URL)))
		}
	}
	for _, ln := range a.Lines {
		if ln.Password != "" && !seen[ln.Password] {
			seen[ln.Password] = true
			out = append(out, fmt.Sprintf("GOT SIP credentials (user %s)", ln.User))
		}
	}
	for _, u := range a.SecretURLs {
		out = append(out, "learned the secret URL "+phone.Redact(u))
	}
	return out
}

// Print writes the phones' journeys and the attackers' outcomes as tables.
func (r *Result) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tMAC\tADDRESS\tOPTION\tBOOTSTRAP\tREDIRECT\tSECRET FETCH\tLOCKED\tREBOOT\tRESULT")
	for _, p := range r.Phones {
		fmt.Fprintln(tw, p.row())
	}
	tw.Flush()
	fmt.Fprintln(w)
	r.printFunnel(w)
	r.printRekeys(w)
	r.printAdopt(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ATTACKER\tADDRESS\tTARGET\tREQUESTS\tANSWERED\tREFUSED FOR\tBANNED\tRESULT")
	for _, a := range r.Attackers {
		fmt.Fprintln(tw, a.row(r.bansUnknown))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	if r.OK() {
		fmt.Fprintln(w, "PASS: every phone provisioned; every attacker was refused or banned and got no credential.")
		return
	}
	fmt.Fprintln(w, "FAIL:")
	for _, f := range r.Failures {
		fmt.Fprintln(w, "  - "+f)
	}
}
