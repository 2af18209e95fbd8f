package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// RekeyResult is a provisioned phone's periodic check after its secret
// URL was rotated: it polls the URL it stored, is redirected, and fetches
// its config at the new one, without a reset.
type RekeyResult struct {
	Vendor string        `json:"vendor"`
	MAC    string        `json:"mac"`
	Rekey  string        `json:"rekey"` // "device" or "account"
	Repoll *phone.Repoll `json:"repoll,omitempty"`
	// OldURLsLeft is what device show lists afterwards: a phone that
	// fetched its new URL leaves none for longer than a few minutes.
	OldURLsLeft int       `json:"old_urls_left"`
	LastEnd     time.Time `json:"last_end,omitzero"` // the latest end among them
	Problems    []string  `json:"problems,omitempty"`
}

// rekeys rotates secrets as an admin does after a leak, once the phones
// are provisioned: a device rekey of the first phone, which re-polls;
// then an account rekey, after which every phone re-polls the URL it
// holds.
func (l *run) rekeys(ctx context.Context, res *Result) error {
	stored := map[string]string{} // MAC -> the provisioning URL in the phone's flash
	var phones []*PhoneResult
	for i := range res.Phones {
		if pr := &res.Phones[i]; pr.Journey != nil && pr.Journey.SecretURL != "" && len(pr.Problems) == 0 {
			phones = append(phones, pr)
			stored[pr.MAC] = pr.Journey.SecretURL
		}
	}
	if len(phones) == 0 {
		return nil
	}
	first := phones[0].dev
	if _, err := l.d.cli(ctx, "device", "rekey", first.MAC.String()); err != nil {
		return err
	}
	rr := l.repoll(ctx, first, "device", stored[first.MAC.String()])
	res.Rekeys = append(res.Rekeys, rr)
	if rr.Repoll != nil && rr.Repoll.New != "" {
		stored[rr.MAC] = rr.Repoll.New
	}
	if _, err := l.d.cli(ctx, "account", "rekey", account); err != nil {
		return err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, pr := range phones {
		wg.Go(func() {
			rr := l.repoll(ctx, pr.dev, "account", stored[pr.MAC])
			mu.Lock()
			res.Rekeys = append(res.Rekeys, rr)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.SortStableFunc(res.Rekeys[1:], func(a, b RekeyResult) int {
		return slices.Index(l.o.Vendors, a.Vendor) - slices.Index(l.o.Vendors, b.Vendor)
	})
	after, err := l.afterGrace(ctx, first, stored[first.MAC.String()])
	if err != nil {
		return err
	}
	res.Rekeys = append(res.Rekeys, after)
	for _, rr := range res.Rekeys {
		for _, p := range rr.Problems {
			res.Failures = append(res.Failures, fmt.Sprintf("phone %s %s after the %s rekey: %s", rr.Vendor, rr.MAC, rr.Rekey, p))
		}
	}
	return nil
}

// repoll runs d's phone once more with the URL it stored and judges it:
// redirected to the device's current secret URL, served its line there,
// and no old URL left in grace once it moved.
func (l *run) repoll(ctx context.Context, d *device, kind, stored string) RekeyResult {
	rr := RekeyResult{Vendor: d.Vendor, MAC: d.MAC.String(), Rekey: kind}
	rep, err := l.emulate(ctx, "rp-"+d.Vendor, d.MAC, "-vendor", d.Vendor, "-poll", stored)
	if err != nil {
		rr.Problems = append(rr.Problems, err.Error())
		return rr
	}
	r := rep.Repoll
	if rr.Repoll = r; r == nil {
		rr.Problems = append(rr.Problems, "no re-poll report")
		return rr
	}
	if r.Err != "" {
		rr.Problems = append(rr.Problems, r.Err)
		return rr
	}
	if !l.secretMatches(ctx, d, r.New) {
		rr.Problems = append(rr.Problems, "redirected to "+phone.Redact(r.New)+", not the device's secret URL")
	}
	if !slices.ContainsFunc(r.Lines, func(x phone.Line) bool { return x.User == d.Ext && x.Password == d.Password }) {
		rr.Problems = append(rr.Problems, fmt.Sprintf("the new URL does not serve line %s with the password the admin set", d.Ext))
	}
	var info struct {
		OldURLs []struct {
			Until time.Time `json:"until"`
		} `json:"old_urls"`
	}
	if err := l.d.cliJSON(ctx, &info, "device", "show", d.MAC.String()); err != nil {
		rr.Problems = append(rr.Problems, err.Error())
	}
	rr.OldURLsLeft = len(info.OldURLs)
	for _, u := range info.OldURLs {
		if u.Until.After(rr.LastEnd) {
			rr.LastEnd = u.Until
		}
	}
	if left := time.Until(rr.LastEnd); left > movedLinger {
		rr.Problems = append(rr.Problems, fmt.Sprintf("an old URL stays in grace for %s after the phone moved", left.Round(time.Minute)))
	}
	return rr
}

// movedLinger bounds how long old URLs may outlive a phone's move to its
// new URL (provbox lets the phone finish the walk it was on).
const movedLinger = 10*time.Minute + time.Minute

// printRekeys writes the re-polls after the rekeys as a table.
func (r *Result) printRekeys(w io.Writer) {
	if len(r.Rekeys) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REKEY\tVENDOR\tMAC\tPOLLED (OLD URL)\tREDIRECT\tNEW URL\tLINES\tOLD URLS END\tRESULT")
	for _, rr := range r.Rekeys {
		fmt.Fprintln(tw, rr.row())
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func (rr RekeyResult) row() string {
	old, from, next, lines := "-", "-", "-", "-"
	if p := rr.Repoll; p != nil {
		old = phone.Redact(p.Old)
		if p.RedirectFrom != "" {
			from = fileOf(p.RedirectFrom)
		}
		if p.New != "" {
			next = phone.Redact(p.New)
		}
		lines = fmt.Sprint(len(p.Lines))
	}
	result := "ok"
	if rr.Rekey == graceOver {
		result = "refused, ok"
	}
	if len(rr.Problems) > 0 {
		result = "FAIL"
	}
	end := "-"
	if rr.OldURLsLeft > 0 {
		end = fmt.Sprintf("%d in %s", rr.OldURLsLeft, time.Until(rr.LastEnd).Round(time.Minute))
	}
	return strings.Join([]string{rr.Rekey, rr.Vendor, rr.MAC, old, from, next, lines, end, result}, "\t")
}

// graceOver names the last re-poll: an old URL after its grace.
const graceOver = "grace over"

// afterGrace ends the grace as an admin can, lowering rotation_grace to
// 0 and reloading, and has d's phone poll old (its URL before the account
// rekey) again: the one refusal any wrong hash gets, no redirect.
func (l *run) afterGrace(ctx context.Context, d *device, old string) (RekeyResult, error) {
	rr := RekeyResult{Vendor: d.Vendor, MAC: d.MAC.String(), Rekey: graceOver}
	if err := l.d.reloadWith(ctx, `unlock_window = "1h"`, `unlock_window = "1h"`+"\nrotation_grace = \"0s\""); err != nil {
		return rr, err
	}
	// The reload has returned: no old URL may be listed any more.
	if n, err := l.oldURLs(ctx, d); err != nil || n != 0 {
		return rr, fmt.Errorf("rotation_grace = \"0s\" not in force once provbox reload returned: %d old URLs listed (%v)", n, err)
	}
	rep, err := l.emulate(ctx, "rp-"+d.Vendor, d.MAC, "-vendor", d.Vendor, "-poll", old)
	switch {
	case err != nil:
		rr.Problems = append(rr.Problems, err.Error())
	case rep.Repoll == nil:
		rr.Problems = append(rr.Problems, "no re-poll report")
	case rep.Repoll.New != "" || len(rep.Repoll.Lines) > 0 || slices.ContainsFunc(rep.Repoll.Fetches, func(f phone.Fetch) bool { return f.OK }):
		rr.Repoll = rep.Repoll
		rr.Problems = append(rr.Problems, "an old URL still answered after its grace")
	default:
		rr.Repoll = rep.Repoll
	}
	return rr, nil
}

// oldURLs is how many old URLs device show lists for d.
func (l *run) oldURLs(ctx context.Context, d *device) (int, error) {
	var info struct {
		OldURLs []json.RawMessage `json:"old_urls"`
	}
	err := l.d.cliJSON(ctx, &info, "device", "show", d.MAC.String())
	return len(info.OldURLs), err
}
