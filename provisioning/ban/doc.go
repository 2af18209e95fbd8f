// Package ban is provbox's native ban engine, after the semantics users
// trust in fail2ban and CrowdSec: refusals are strikes against a source
// (an IPv4 address, or an IPv6 /64); MaxRetry weighted strikes within
// FindTime ban the source for BanTime; a repeat offender's ban grows by
// Factor per earlier ban up to MaxBanTime, shortened by a little random
// jitter so a scanner cannot time its return; a source that asks for more
// than ScanMACs distinct MACs within FindTime is banned at once.
//
// Ignored networks and the box's own addresses are never banned. Memory is
// bounded however many sources strike: the strike table is capped and
// evicts the source struck least recently, the ban table is capped and
// evicts its least valuable records (see evict.go; an admin's ban never),
// and each source keeps a bounded list of strikes and MACs.
//
// Strikes whose source may be forged (UDP) are marked: they feed no scan
// detection, never count against a source that holds a known device, and
// mark the ban they help to issue Forgeable, which the caller may lift
// once the address proves to hold a known device.
//
// The engine knows nothing of the core's types: it persists ban records
// through a Persister and reports bans and unbans through a callback, and
// takes the time as an argument so tests drive it with a fake clock.
// Expiry is lazy: a ban ends when the clock passes its Until, with no
// timer. Engines of several nodes sharing one store follow each other's
// bans with Reload (reload.go); strikes stay each engine's own. It
// imports only the standard library.
package ban
