package metrics

import "sync"

// cache holds the label children already resolved, so the hot paths
// look a child up in a map under a read lock instead of hashing label
// values (and allocating the variadic slice) on every event.
type cache[K comparable, V any] struct {
	mu   sync.RWMutex
	m    map[K]V
	make func(K) V
}

func newCache[K comparable, V any](mk func(K) V) *cache[K, V] {
	return &cache[K, V]{m: map[K]V{}, make: mk}
}

func (c *cache[K, V]) get(k K) V {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok = c.m[k]; !ok {
		v = c.make(k)
		c.m[k] = v
	}
	return v
}

// pair is a two-label key.
type pair struct{ a, b string }

// word bounds a label value the core or a server passed: empty becomes
// "none"; the callers only pass fixed words and registry names, so this
// is a guard, not a filter.
func word(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
