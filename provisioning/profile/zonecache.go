package profile

import "sync"

// Every render needs its device's zone, and decoding one reads the zone
// file and bisects a year of transitions (a profile showed it at a fifth
// of a full-config fetch's CPU). The answer depends only on the name and
// the year, so it is computed once per pair. Names come from the admin's
// device records, not from the network; the bound only guards against a
// pathological import.

const maxCachedZones = 1024

type zoneKey struct {
	name string
	year int
}

var zones struct {
	sync.RWMutex
	m map[zoneKey]Zone
}

// cachedZone is loadZone, memoised; failures are not kept.
func cachedZone(name string, year int) (Zone, error) {
	k := zoneKey{name, year}
	zones.RLock()
	z, ok := zones.m[k]
	zones.RUnlock()
	if ok {
		return z, nil
	}
	z, err := loadZone(name, year)
	if err != nil {
		return z, err
	}
	zones.Lock()
	if zones.m == nil || len(zones.m) >= maxCachedZones {
		zones.m = make(map[zoneKey]Zone)
	}
	zones.m[k] = z
	zones.Unlock()
	return z, nil
}
