package provisioning

import (
	"slices"
	"time"
)

// rehash is a change that gives a device a new secret hash: a rekey or
// a replacement.
type rehash struct {
	cur *Device // the device as published
	d   Device  // its copy with the new hash and lines of its own
	cfg Config
	now time.Time
}

// beginRehash starts a rehash of device m: a fresh hash, the time, and,
// under wmu, the configuration and the copy of the device. On success the
// caller holds wmu and releases it; on error it is not held.
func (s *Service) beginRehash(m MAC) (rehash, error) {
	h, err := NewHash()
	if err != nil {
		return rehash{}, err
	}
	now := s.now().UTC()
	s.wmu.Lock()
	cfg, _ := s.config()
	cur, ok := s.devices[m]
	if !ok {
		s.wmu.Unlock()
		return rehash{}, notFoundf("device %s", m)
	}
	d := *cur
	d.Lines, d.Hash = slices.Clone(cur.Lines), h
	return rehash{cur: cur, d: d, cfg: cfg, now: now}, nil
}

// publish replaces the old hash by the new one in the maps, with the
// device as d now is; the caller holds mu.
func (r *rehash) publish(s *Service) {
	delete(s.devHash, r.cur.Hash)
	s.putDevice(&r.d)
	s.devHash[r.d.Hash] = r.d.MAC
}
