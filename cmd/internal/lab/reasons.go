package lab

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// wantReason is the refusal an attacker that only one safeguard stops
// must draw while that safeguard is on. Refused for anything else, it
// did not test its safeguard (the lab built the wrong situation), and a
// pass would prove nothing about it.
var wantReason = map[string]struct {
	reason string
	off    Sabotage
}{
	phone.StaticClone: {"no-lease", NoLeaseCheck},
	phone.IPThief:     {"neighbour", NoNeighbourCheck},
	phone.RelayForger: {"relay-not-listed", NoRelayCheck},
}

// event is the part of `provbox events --json` the lab reads.
type event struct {
	Time    time.Time `json:"time"`
	Last    time.Time `json:"last"`  // the last of folded repeats; zero for one
	Count   int       `json:"count"` // the requests the line stands for; 0 for one
	IP      string    `json:"ip"`
	Outcome string    `json:"outcome"`
	Reason  string    `json:"reason"`
}

// latest is the time of e's last request: its Last when repeats were
// folded into a line that began earlier.
func (e event) latest() time.Time {
	if e.Last.After(e.Time) {
		return e.Last
	}
	return e.Time
}

// refusals reads every refusal in the daemon's audit trail.
func (l *run) refusals(ctx context.Context) ([]event, error) {
	var es []event
	if err := l.d.cliJSON(ctx, &es, "events", "--limit", "100000"); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(es, func(e event) bool { return e.Outcome != "refused" }), nil
}

// setReasons fills in ar.Reasons from the refusals of its address since
// it started, and checks the one it is there to draw.
func (l *run) setReasons(ar *AttackResult, es []event) {
	if ar.Attack == nil || ar.Attack.IP == "" {
		return
	}
	for _, e := range es {
		// The first word: "unknown-mac c0:74:ad:20:00:01" is unknown-mac.
		r, _, _ := strings.Cut(e.Reason, " ")
		if sameIP(e.IP, ar.Attack.IP) && !e.latest().Before(ar.since) && r != "" && !slices.Contains(ar.Reasons, r) {
			ar.Reasons = append(ar.Reasons, r)
		}
	}
	slices.Sort(ar.Reasons)
	w, ok := wantReason[ar.Role]
	if !ok || l.o.Sabotage == w.off || ar.Attack.Err != "" || slices.Contains(ar.Reasons, w.reason) {
		return
	}
	got := "nothing"
	if len(ar.Reasons) > 0 {
		got = strings.Join(ar.Reasons, ", ")
	}
	ar.Problems = append(ar.Problems, fmt.Sprintf("refused for %s, never for %q: it did not test the safeguard it is here for", got, w.reason))
}

// sameIP compares addresses as text, ignoring a zone: the daemon audits a
// link-local requester with its own interface's name.
func sameIP(a, b string) bool {
	a, _, _ = strings.Cut(a, "%")
	b, _, _ = strings.Cut(b, "%")
	return a == b
}
