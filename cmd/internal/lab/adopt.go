package lab

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// AdoptResult is the adoption of a phone provbox did not know: it boots
// and keeps asking, shows in `device pending`, is adopted from the CLI,
// and provisions at its next retry, without a reboot.
type AdoptResult struct {
	Phone   PhoneResult `json:"phone"`
	Pending bool        `json:"pending"` // it appeared in device pending
	Seen    string      `json:"seen,omitempty"`
}

// pendingEntry is the part of `provbox device pending --json` the lab reads.
type pendingEntry struct {
	MAC    string `json:"mac"`
	Vendor string `json:"vendor"`
	Model  string `json:"model"`
	Source string `json:"source"`
}

// adoptTries bounds the unknown phone's retries (2 s apart): fewer than
// the lab's max_retry strikes, so adoption, not a ban, ends its wait.
const adoptTries = labMaxRetry - 1

// adoptFlow runs the adoption; its problems are failures of the run.
func (l *run) adoptFlow(ctx context.Context, res *Result) error {
	v := l.o.Vendors[0]
	if slices.Contains(l.o.Vendors, "yealink") {
		v = "yealink"
	}
	p, _ := phone.Lookup(v)
	d := &device{Role: "adopted", Vendor: v, MAC: p.MAC(12, 0x30), Ext: "299", Password: "pw-" + randomHex(10)}
	ar := &AdoptResult{Phone: PhoneResult{Vendor: v, MAC: d.MAC.String(), dev: d}}
	res.Adopt = ar
	reports := make(chan *phone.Report, 1)
	go func() {
		rep, err := l.emulate(ctx, "ph-adopt", d.MAC, "-vendor", v, "-retry", fmt.Sprint(adoptTries))
		if err != nil {
			ar.Phone.Problems = append(ar.Phone.Problems, err.Error())
		}
		reports <- rep
	}()
	err := l.adoptWhenPending(ctx, ar, d)
	rep := <-reports
	if err != nil {
		return err
	}
	if rep != nil {
		ar.Phone.Journey = rep.Journey
	}
	if info, err := l.show(ctx, d); err == nil {
		ar.Phone.State = info.State
	}
	l.judgePhone(ctx, &ar.Phone)
	if !ar.Pending {
		ar.Phone.Problems = append(ar.Phone.Problems, "never listed by device pending")
	}
	for _, p := range ar.Phone.Problems {
		res.Failures = append(res.Failures, fmt.Sprintf("adopted phone %s %s: %s", v, d.MAC, p))
	}
	return nil
}

// adoptWhenPending waits (bounded) for the phone in `device pending`,
// then adopts it with one line.
func (l *run) adoptWhenPending(ctx context.Context, ar *AdoptResult, d *device) error {
	mac := d.MAC.String()
	deadline := time.Now().Add(20 * time.Second)
	for !ar.Pending && time.Now().Before(deadline) {
		var ps []pendingEntry
		if err := l.d.cliJSON(ctx, &ps, "device", "pending"); err != nil {
			return err
		}
		for _, p := range ps {
			// Over HTTP, wait for its refused bootstrap request (a vendor
			// UA), so the adoption is what lets its next retry through;
			// over TFTP (no UA) its DHCP request is all provbox sees.
			if strings.EqualFold(p.MAC, mac) && (p.Source != "dhcp" || l.o.Bootstrap == "tftp") {
				ar.Pending, ar.Seen = true, p.Source+" "+p.Vendor+" "+p.Model
			}
		}
		if !ar.Pending {
			time.Sleep(300 * time.Millisecond)
		}
	}
	if !ar.Pending {
		return nil // the phone gives up by itself; the judge says why
	}
	_, err := l.d.cli(ctx, "device", "adopt", mac, "--account", account, "--line", d.Ext+":"+d.Password+":Adopted")
	return err
}

// printAdopt prints the adoption's line.
func (r *Result) printAdopt(w io.Writer) {
	if r.Adopt == nil {
		return
	}
	a := r.Adopt
	result := "provisioned after adoption, no reboot"
	if len(a.Phone.Problems) > 0 {
		result = "FAIL: " + strings.Join(a.Phone.Problems, "; ")
	}
	seen := "not pending"
	if a.Pending {
		seen = "pending (" + a.Seen + ")"
	}
	fmt.Fprintf(w, "ADOPT  %s %s: %s, adopted from the CLI; %s\n\n", a.Phone.Vendor, a.Phone.MAC, seen, result)
}
