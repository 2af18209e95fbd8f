package provisioning

import "net/netip"

// eventBatch gathers the audit lines of one write. Identical repeats of a
// request (same protocol, requester, device, User-Agent, file, outcome and
// reason) fold into the line of their first occurrence, which counts them
// and keeps the time of the last: a phone polling its config, or anyone
// hammering one URL, costs one row per batch instead of one per request,
// and the trail still accounts for every request. Lines that change state
// or are made by someone (locks, bans, admin actions) never fold.
type eventBatch struct {
	es []Event
	at map[eventKey]int // index in es of a line that repeats fold into
}

// eventKey is what makes two requests the same line.
type eventKey struct {
	proto, ua, file, outcome, reason string
	ip                               netip.Addr
	mac                              MAC
}

// foldable reports whether repeats of e may share one line: answers to
// requests only, and never the first-fetch lock.
func (e Event) foldable() bool {
	switch e.Proto {
	case string(ProtoHTTP), string(ProtoHTTPS), string(ProtoTFTP), "dhcp":
	default:
		return false // admin, ban
	}
	return e.Actor == "" && e.Outcome != "locked" && e.Count <= 1
}

// add puts e in the batch, folding it into an earlier identical line.
func (b *eventBatch) add(e Event) {
	if !e.foldable() {
		b.es = append(b.es, e)
		return
	}
	k := eventKey{proto: e.Proto, ua: e.UA, file: e.File, outcome: e.Outcome, reason: e.Reason, ip: e.IP, mac: e.MAC}
	i, ok := b.at[k]
	if !ok {
		if b.at == nil {
			b.at = make(map[eventKey]int)
		}
		b.at[k] = len(b.es)
		b.es = append(b.es, e)
		return
	}
	first := &b.es[i]
	last := first.Last
	if last.IsZero() {
		last = first.Time
	}
	// Requests reach the queue in about, not exactly, their order.
	if e.Time.Before(first.Time) {
		first.Time = e.Time
	}
	if e.Time.After(last) {
		last = e.Time
	}
	first.Last, first.Count = last, first.Times()+1
}

// lines is the number of lines (rows) the batch will write.
func (b *eventBatch) lines() int { return len(b.es) }

// take returns the lines and empties the batch.
func (b *eventBatch) take() []Event {
	es := b.es
	b.es = nil
	clear(b.at)
	return es
}
