package provisioning

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

// Proto is a protocol phones fetch files over.
type Proto string

const (
	ProtoHTTP  Proto = "http"
	ProtoHTTPS Proto = "https"
	ProtoTFTP  Proto = "tftp"
)

// FetchRequest is a file request from a phone (or anyone) over TFTP or HTTP.
type FetchRequest struct {
	Proto     Proto
	Path      string     // HTTP: the escaped URL path (r.URL.EscapedPath()); TFTP: the file name as sent
	RemoteIP  netip.Addr // the requester
	UserAgent string     // HTTP only
}

// FetchReply is the core's answer. A refusal and an unknown file look the
// same: Found is false and nothing else is set.
type FetchReply struct {
	Found bool
	// Body may be the render cache's own bytes: read it, never write to it.
	Body []byte
	// ETag is Body's strong validator (profile.ETag) when the core keeps
	// one with a cached render; empty, the consumer derives it from Body.
	ETag        string
	ContentType string
	ModTime     time.Time
}

// Refusal reasons, as the audit trail and the log show them.
const (
	reasonBadPath     = "bad-path"
	reasonUnknownFile = "unknown-file"
	reasonUnknownMAC  = "unknown-mac"
	reasonLocked      = "locked"
	reasonBadHash     = "bad-hash"
	reasonFileMAC     = "file-mac"
	reasonUserAgent   = "user-agent"
	reasonUAMAC       = "ua-mac"
	reasonNoLease     = "no-lease"
	reasonNeighbour   = "neighbour"
	reasonUnverified  = "unverified" // no network-binding check could vouch for the requester
	reasonRender      = "render-error"
)

// fetchState carries one request through the decision.
type fetchState struct {
	r    FetchRequest
	path reqPath
	now  time.Time
	cfg  Config
	reg  *profile.Registry
	tr   *Explanation // non-nil: a dry run (Explain), no side effect
	// detail is added to a refusal's audit reason (not to the metrics'
	// reason label): why an unknown MAC's request is no pending sighting.
	detail string
}

// Fetch decides what a file request gets: a redirect config at bootstrap,
// a full config at the secret URL, a harmless common file, or not found.
// Every refusal is audited and reported as a strike; a banned requester is
// refused before anything is parsed.
func (s *Service) Fetch(ctx context.Context, r FetchRequest) FetchReply {
	return s.fetch(ctx, r, nil)
}

// fetch is the one decision behind Fetch and Explain; tr non-nil makes it
// a dry run.
func (s *Service) fetch(ctx context.Context, r FetchRequest, tr *Explanation) FetchReply {
	s.mu.RLock()
	fc := &fetchState{r: r, now: s.cfg.Now(), cfg: s.cfg, reg: s.reg, tr: tr}
	s.mu.RUnlock()
	if s.bans.banned(r.RemoteIP, fc.now, fc.dry()) {
		fc.note("ban", false, "%s is banned", r.RemoteIP)
		if fc.dry() {
			fc.decided("banned", "banned", MAC{})
		} else {
			s.obs.get().Refused(string(r.Proto), "banned")
		}
		return FetchReply{}
	}
	fc.note("ban", true, "not banned")
	p, err := parsePath(r.Proto, r.Path)
	if err != nil {
		fc.path = reqPath{File: "(malformed)"}
		fc.note("path", false, "%v", err)
		return s.refuse(fc, MAC{}, reasonBadPath, 5, MAC{})
	}
	fc.path = p
	if fc.dry() {
		fc.note("path", true, "%s", map[bool]string{true: "secret path", false: "bootstrap name"}[p.secret()])
	}
	if p.secret() {
		return s.fetchSecret(ctx, fc)
	}
	return s.fetchBootstrap(ctx, fc)
}

// refuse audits and strikes a refusal and returns the one refusal answer.
// dev is the identified device (zero if none); asked is the MAC the
// request named, for scan detection.
func (s *Service) refuse(fc *fetchState, dev MAC, reason string, weight int, asked MAC) FetchReply {
	if fc.dry() {
		fc.decided("refused", reason, dev)
	} else {
		e := Event{Time: fc.now.UTC(), Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: dev, UA: fc.r.UserAgent,
			File: fc.path.redacted(), Outcome: "refused", Reason: reason}
		if dev.IsZero() && !asked.IsZero() {
			// The MAC asked for, so filtering the trail by MAC finds it.
			e.Reason, e.MAC = reason+" "+asked.String(), asked
		}
		if fc.detail != "" {
			e.Reason += " (" + fc.detail + ")"
		}
		s.audit(e)
		s.obs.get().Refused(string(fc.r.Proto), reason)
		s.logRefusal(fc.now, fc.r.Proto, "ip", fc.r.RemoteIP.String(), "mac", macAttr(dev, asked),
			"file", e.File, "reason", reason, "proto", fc.r.Proto)
	}
	st := Strike{Reason: reason, Weight: weight, MAC: asked, UAMAC: firstMAC(fc.r.UserAgent)}
	if fc.r.Proto == ProtoTFTP {
		// A UDP source can be forged: TFTP strikes weigh 1, feed no scan
		// detection, and never count against an address that holds a
		// known device (forgery.go).
		st.Weight, st.MAC, st.UAMAC, st.Forgeable = 1, MAC{}, MAC{}, true
	}
	if st.Holder = s.holdsKnownDevice(fc.r.RemoteIP, fc.now); st.Holder && st.Forgeable {
		return FetchReply{}
	}
	if fc.dry() {
		fc.tr.Strike = st.Weight
		return FetchReply{}
	}
	s.bans.strike(fc.r.RemoteIP, st, fc.now)
	s.obs.get().Struck(reason, st.Weight)
	return FetchReply{}
}

func macAttr(dev, asked MAC) string {
	if !dev.IsZero() {
		return dev.String()
	}
	if !asked.IsZero() {
		return asked.String()
	}
	return ""
}

// miss audits a known phone's request for a file provbox does not have:
// a plain not-found, not a strike.
func (s *Service) miss(fc *fetchState, m MAC) FetchReply {
	if fc.dry() {
		fc.decided("not-found", "", m)
		return FetchReply{}
	}
	s.audit(Event{Time: fc.now.UTC(), Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: m, UA: fc.r.UserAgent,
		File: fc.path.redacted(), Outcome: "not-found"})
	return FetchReply{}
}

// lastSeenEvery bounds how often a device's last-seen time is written.
const lastSeenEvery = time.Minute

// serve audits a success, records when the device was last seen, and
// returns the answer.
func (s *Service) serve(fc *fetchState, d *Device, p *profile.Profile, outcome string, rd profile.Render) FetchReply {
	if fc.dry() {
		return fc.servedDry(d.MAC, p, outcome, rd.Body)
	}
	if fc.now.Sub(d.LastSeen) >= lastSeenEvery {
		// Informational (nothing checks it), so the answer does not wait:
		// the next device batch writes it (devicewrites.go).
		s.devW.touch(d.MAC, s.now().UTC())
	}
	file := fc.path.redacted()
	s.audit(Event{Time: fc.now.UTC(), Proto: string(fc.r.Proto), IP: fc.r.RemoteIP, MAC: d.MAC, UA: fc.r.UserAgent,
		File: file, Outcome: outcome})
	s.obs.get().Served(fc.r.Proto, p.Name, outcome)
	if s.log.Enabled(context.Background(), slog.LevelInfo) { // the arguments cost more than the check
		s.log.Info("file served", "ip", fc.r.RemoteIP.String(), "mac", d.MAC.String(), "vendor", p.Name,
			"file", file, "outcome", outcome, "proto", fc.r.Proto)
	}
	return FetchReply{Found: true, Body: rd.Body, ETag: rd.ETag, ContentType: p.ContentType}
}
