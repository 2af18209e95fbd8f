package profile

import (
	"slices"
	"sync"
)

// A render is a pure function of the profile's template, the file name,
// the Data and the year (time-zone rules), and text/template's reflection
// is most of a full-config fetch's CPU. Phones fetch the same file again
// (every boot, every periodic check), so the last render of each
// (profile, template, file, MAC) is kept with the exact Data it was made
// from and reused only when the new Data equals it field for field: any
// change of line, password, URL, server or User-Agent renders afresh.
// The cache lives in the Registry, so reloaded templates start empty.

// maxRenders bounds the memory held (a few KB per entry).
const maxRenders = 256

type renderKey struct {
	p          *Profile
	tmpl, file string
	mac        [6]byte
}

type renderEntry struct {
	year int
	d    Data // Lines cloned: the caller's slice may change
	body []byte
	tag  string // ETag(body), so a served config is not hashed per request
}

type renderCache struct {
	mu sync.Mutex
	m  map[renderKey]*renderEntry
}

// get is the kept render for k when it was made from d in year, with its
// ETag: the cache's own bytes, never to be written to (Registry.render
// copies).
func (c *renderCache) get(k renderKey, year int, d Data) ([]byte, string, bool) {
	c.mu.Lock()
	e := c.m[k]
	c.mu.Unlock()
	if e == nil || e.year != year || !sameData(e.d, d) {
		return nil, "", false
	}
	return e.body, e.tag, true
}

// put keeps body and returns its ETag, computed here once per render.
func (c *renderCache) put(k renderKey, year int, d Data, body []byte) string {
	d.Lines = slices.Clone(d.Lines)
	e := &renderEntry{year: year, d: d, body: slices.Clone(body), tag: ETag(body)}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxRenders {
		c.m = make(map[renderKey]*renderEntry)
	}
	c.m[k] = e
	c.mu.Unlock()
	return e.tag
}

// sameData compares every field of Data (TestSameDataSeesEveryField
// fails when a field is added but not compared).
func sameData(a, b Data) bool {
	return a.MAC == b.MAC && a.Vendor == b.Vendor && a.Model == b.Model &&
		a.ProvisionURL == b.ProvisionURL && a.ProvisionScheme == b.ProvisionScheme &&
		a.ProvisionHost == b.ProvisionHost && a.ProvisionPath == b.ProvisionPath &&
		a.SIPServer == b.SIPServer && a.SIPPort == b.SIPPort && a.SIPTransport == b.SIPTransport &&
		a.NTPServer == b.NTPServer && a.TimeZone == b.TimeZone && a.Language == b.Language &&
		a.UserAgent == b.UserAgent && slices.Equal(a.Lines, b.Lines)
}
