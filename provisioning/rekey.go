package provisioning

import (
	"crypto/sha256"
	"slices"
	"time"
)

// PathDigest is the SHA-256 of a secret path "/<account_hash>/<device_hash>/".
// A retired path is kept only as its digest: neither memory nor the
// database holds an old secret that could be reused.
type PathDigest [sha256.Size]byte

func digestOf(acct, dev Hash) PathDigest { return sha256.Sum256([]byte(secretPath(acct, dev))) }

// OldPath is a secret path a rekey retired. Until its grace ends it still
// answers its device's phone, after every fingerprint check, with the
// vendor's redirect config pointing at the device's current secret URL.
type OldPath struct {
	Digest PathDigest
	MAC    MAC
	Shown  string    // the path redacted as logs show it: "/abcd…/wxyz…/"
	Cause  string    // "device rekey" or "account rekey"
	Since  time.Time // the rekey
	Until  time.Time // the end of the grace granted at the rekey
}

// End is when p dies under the rotation grace now in force: the grace
// granted at the rekey, cut short if rotation_grace was lowered since.
func (p OldPath) End(grace time.Duration) time.Time {
	if e := p.Since.Add(grace); e.Before(p.Until) {
		return e
	}
	return p.Until
}

// Rekey is one rotation as the Store keeps it: exactly one of Account and
// Device carries its new hash, Retire the old paths it leaves behind.
type Rekey struct {
	Account *Account
	Device  *Device
	Retire  []OldPath
	// DropPending deletes the old paths the owner's devices had before
	// (a rekey without grace), before Retire is stored.
	DropPending bool
	// Now: old paths whose grace ended before it are deleted in the same
	// transaction, which keeps the table to the paths in grace.
	Now time.Time
}

// rekey causes, as device show and the audit trail name them.
const (
	causeDeviceRekey  = "device rekey"
	causeAccountRekey = "account rekey"
)

// retire describes the secret path (acct, dev) of device m, retired now.
func retire(acct, dev Hash, m MAC, cause string, now time.Time, grace time.Duration) OldPath {
	return OldPath{Digest: digestOf(acct, dev), MAC: m, Shown: "/" + acct.Short() + "/" + dev.Short() + "/",
		Cause: cause, Since: now, Until: now.Add(grace)}
}

// oldTable holds the retired paths in memory, by digest and by device.
// The Service's mu guards it.
type oldTable struct {
	byDigest map[PathDigest]OldPath
	byMAC    map[MAC][]PathDigest
}

func newOldTable() oldTable {
	return oldTable{byDigest: map[PathDigest]OldPath{}, byMAC: map[MAC][]PathDigest{}}
}

func (t oldTable) put(p OldPath) {
	if _, ok := t.byDigest[p.Digest]; !ok {
		t.byMAC[p.MAC] = append(t.byMAC[p.MAC], p.Digest)
	}
	t.byDigest[p.Digest] = p
}

// dropMAC forgets every old path of device m.
func (t oldTable) dropMAC(m MAC) {
	for _, dg := range t.byMAC[m] {
		delete(t.byDigest, dg)
	}
	delete(t.byMAC, m)
}

// endsAfter reports whether any old path of m is granted beyond end.
func (t oldTable) endsAfter(m MAC, end time.Time) bool {
	for _, dg := range t.byMAC[m] {
		if t.byDigest[dg].Until.After(end) {
			return true
		}
	}
	return false
}

// endMAC makes every old path of m end at end at the latest.
func (t oldTable) endMAC(m MAC, end time.Time) {
	for _, dg := range t.byMAC[m] {
		if p := t.byDigest[dg]; p.Until.After(end) {
			p.Until = end
			t.byDigest[dg] = p
		}
	}
}

// expire forgets the paths whose granted grace ended before now, as the
// store does in the rekey's transaction.
func (t oldTable) expire(now time.Time) {
	for m, dgs := range t.byMAC {
		dgs = slices.DeleteFunc(dgs, func(dg PathDigest) bool {
			if t.byDigest[dg].Until.Before(now) {
				delete(t.byDigest, dg)
				return true
			}
			return false
		})
		if len(dgs) == 0 {
			delete(t.byMAC, m)
		} else {
			t.byMAC[m] = dgs
		}
	}
}

// live returns device m's old paths still in grace at now, oldest first.
func (t oldTable) live(m MAC, now time.Time, grace time.Duration) []OldPath {
	var out []OldPath
	for _, dg := range t.byMAC[m] {
		if p := t.byDigest[dg]; now.Before(p.End(grace)) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b OldPath) int { return a.Since.Compare(b.Since) })
	return out
}

// lookup finds the old path (acct, dev) if it is still in grace at now.
func (t oldTable) lookup(acct, dev string, now time.Time, grace time.Duration) (OldPath, bool) {
	p, ok := t.byDigest[digestOf(Hash(acct), Hash(dev))]
	if !ok || !now.Before(p.End(grace)) {
		return OldPath{}, false
	}
	return p, true
}
