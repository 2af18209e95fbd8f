package lab

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// frame runs the udp-framer against a provisioned phone's address, then
// checks the phone was neither banned nor refused: the address is not in
// the ban list, and when an admin unlocks the device the phone
// re-provisions from scratch (bootstrap, redirect, full config) at that
// same address.
func (l *run) frame(ctx context.Context, res *Result) error {
	pr := l.framerTarget(res)
	if pr == nil {
		res.Attackers = append(res.Attackers, AttackResult{Role: phone.UDPFramer, Problems: []string{"no provisioned phone to frame"}})
		return nil
	}
	victim := pr.Journey.IP
	since := time.Now()
	ar := l.runAttacker(ctx, phone.UDPFramer, pr.dev, nil, "-frame", victim)
	ar.Target = fmt.Sprintf("%s at %s", pr.dev, victim)
	if ar.Attack != nil && ar.Attack.Err == "" {
		problems, err := l.judgeFrame(ctx, pr.dev, victim, since)
		if err != nil {
			return err
		}
		ar.Problems = append(ar.Problems, problems...)
	}
	res.Attackers = append(res.Attackers, ar)
	return nil
}

// framerTarget is a provisioned phone, preferably not the one after-lock
// impersonated (its refusals were real ones from that address).
func (l *run) framerTarget(res *Result) *PhoneResult {
	var fallback *PhoneResult
	for i := range res.Phones {
		pr := &res.Phones[i]
		if pr.Journey == nil || pr.Journey.Err != "" || pr.Journey.IP == "" {
			continue
		}
		if pr.dev != l.afterLockTarget() {
			return pr
		}
		fallback = pr
	}
	return fallback
}

// judgeFrame lists what the framing of d at victim achieved.
func (l *run) judgeFrame(ctx context.Context, d *device, victim string, since time.Time) ([]string, error) {
	var out []string
	n, err := l.forgedRefusals(ctx, victim, since)
	if err != nil {
		return nil, err
	}
	if n < labMaxRetry {
		out = append(out, fmt.Sprintf("only %d forged requests reached the server (max_retry is %d): it did not test the safeguard", n, labMaxRetry))
	}
	var bans []banEntry
	if err := l.d.cliJSON(ctx, &bans, "ban", "list"); err != nil {
		return nil, err
	}
	ip, _ := netip.ParseAddr(victim)
	if slices.ContainsFunc(bans, func(b banEntry) bool { p, err := netip.ParsePrefix(b.Prefix); return err == nil && p.Contains(ip) }) {
		out = append(out, fmt.Sprintf("GOT phone %s banned at %s by forged datagrams", d, victim))
	}
	if _, err := l.d.cli(ctx, "device", "unlock", d.MAC.String()); err != nil {
		return nil, err
	}
	again := l.runPhone(ctx, d)
	j := again.Journey
	switch {
	case j == nil:
		out = append(out, "the framed phone could not be run again: "+fmt.Sprint(again.Problems))
	case j.Err != "":
		out = append(out, fmt.Sprintf("GOT phone %s refused after the framing: %s", d, j.Err))
	case j.IP != victim:
		out = append(out, fmt.Sprintf("the phone came back at %s, not %s: it proved nothing", j.IP, victim))
	case !slices.ContainsFunc(j.Lines, func(x phone.Line) bool { return x.User == d.Ext && x.Password == d.Password }):
		out = append(out, fmt.Sprintf("GOT phone %s re-provisioned without its line after the framing", d))
	}
	return out, nil
}

// forgedRefusals counts the refusals the audit trail shows for victim
// since the framer started, waiting up to 5 s for the datagrams to land.
func (l *run) forgedRefusals(ctx context.Context, victim string, since time.Time) (int, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		es, err := l.refusals(ctx)
		if err != nil {
			return 0, err
		}
		n := refusalsOf(es, victim, since)
		if n >= labMaxRetry || time.Now().After(deadline) {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// refusalsOf is how many refused requests of ip the lines es count since
// since: a line of folded repeats counts each of them, and is in when its
// last repeat is.
func refusalsOf(es []event, ip string, since time.Time) int {
	n := 0
	for _, e := range es {
		if e.IP == ip && !e.latest().Before(since) {
			n += max(e.Count, 1)
		}
	}
	return n
}
