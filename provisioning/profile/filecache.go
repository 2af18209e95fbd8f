package profile

import (
	"strings"
	"sync"
)

// Every request runs its file name through the vendor's patterns (a
// profile of the full-config fetch showed MatchFile's regexps at about a
// tenth of the core's decision, and a bootstrap name is matched against
// every vendor). Phones ask for the same few names again and again, so
// the answer is kept per profile and name, bounded and started over when
// full like the User-Agent table (uacache.go): names come from the network.

const maxCachedFiles = 4096

type fileKey struct {
	p    *Profile
	name string
}

var fileMemo struct {
	sync.RWMutex
	m map[fileKey]Match
}

// MatchFile classifies a requested file name: matchFile, memoised.
func (p *Profile) MatchFile(name string) Match {
	if len(name) > maxName {
		return Match{}
	}
	fileMemo.RLock()
	m, hit := fileMemo.m[fileKey{p, name}]
	fileMemo.RUnlock()
	if hit {
		return m
	}
	// The answer's Model is a slice of the key: a copy, not of the
	// request's memory.
	name = strings.Clone(name)
	m = p.matchFile(name)
	fileMemo.Lock()
	if fileMemo.m == nil || len(fileMemo.m) >= maxCachedFiles {
		fileMemo.m = make(map[fileKey]Match)
	}
	fileMemo.m[fileKey{p, name}] = m
	fileMemo.Unlock()
	return m
}
