package profile

import (
	"strings"
	"sync"
)

// Every HTTP request runs its User-Agent through the vendor's patterns
// (a profile of the full-config fetch showed ParseUA's regexps at about
// a quarter of the core's decision). A phone sends the same User-Agent
// on every request, so the answer is kept per profile and User-Agent.
// User-Agents come from the network: the table is bounded, and when full
// it starts over, so junk sent by a scanner costs what it cost before
// and cannot keep the phones' entries out for long.

const maxCachedUAs = 4096

type uaKey struct {
	p  *Profile
	ua string
}

type uaAnswer struct {
	ua UA
	ok bool
}

var uaMemo struct {
	sync.RWMutex
	m map[uaKey]uaAnswer
}

// ParseUA reports whether ua is this vendor's User-Agent, and what it
// says. Where the UA carries a MAC, UA.HasMAC is set. It is parseUA,
// memoised.
func (p *Profile) ParseUA(ua string) (UA, bool) {
	if len(ua) > maxUA {
		return UA{}, false
	}
	uaMemo.RLock()
	a, hit := uaMemo.m[uaKey{p, ua}]
	uaMemo.RUnlock()
	if hit {
		return a.ua, a.ok
	}
	// The answer's strings are slices of the key: a copy, not of the
	// request's memory.
	ua = strings.Clone(ua)
	a.ua, a.ok = p.parseUA(ua)
	k := uaKey{p, ua}
	uaMemo.Lock()
	if uaMemo.m == nil || len(uaMemo.m) >= maxCachedUAs {
		uaMemo.m = make(map[uaKey]uaAnswer)
	}
	uaMemo.m[k] = a
	uaMemo.Unlock()
	return a.ua, a.ok
}
