package provisioning

import (
	"context"
	"fmt"
	"strings"

	"github.com/provbox/provbox/provisioning/profile"
)

// Step is one check of a decision and its verdict.
type Step struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Explanation is what a file request would get, with every check on the
// way. Outcome uses the audit trail's words ("refused", "not-found",
// "redirect", "config", "common", "rekey-redirect", "error") plus
// "banned" (a banned requester is refused before anything is parsed and
// leaves no audit line). The body is never part of it.
type Explanation struct {
	Proto       Proto  `json:"proto"`
	IP          string `json:"ip"`
	UserAgent   string `json:"user_agent,omitempty"`
	File        string `json:"file"` // redacted like the audit trail
	Device      string `json:"device,omitempty"`
	Steps       []Step `json:"steps"`
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason,omitempty"`
	Strike      int    `json:"strike,omitempty"` // the weight a refusal would strike with, 0 for none
	Vendor      string `json:"vendor,omitempty"`
	Size        int    `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

// Explain runs the fetch decision for r in dry mode: the same code as
// Fetch, with every side effect (strike, ban lift, lock, last-seen write,
// old-path ending, audit line, log line) replaced by a note in the
// returned trace.
func (s *Service) Explain(ctx context.Context, r FetchRequest) Explanation {
	tr := &Explanation{Proto: r.Proto, IP: r.RemoteIP.String(), UserAgent: r.UserAgent}
	s.fetch(ctx, r, tr)
	if tr.Outcome == "" {
		// A silent not-found (a vendor's name no device owns and no
		// vendor claims as common, a device without an account).
		tr.Outcome = "not-found"
	}
	return *tr
}

// note records a check's verdict when the request is a dry run. On the
// path a phone's request takes when served, callers guard it with
// fc.dry(): boxing and formatting its arguments would cost a served
// request more than the checks themselves.
func (fc *fetchState) note(check string, ok bool, format string, args ...any) {
	if fc.tr == nil {
		return
	}
	fc.tr.Steps = append(fc.tr.Steps, Step{Check: check, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// dry reports whether the request is an explain run: no side effects.
func (fc *fetchState) dry() bool { return fc.tr != nil }

// decided records the outcome of a dry run.
func (fc *fetchState) decided(outcome, reason string, d MAC) {
	fc.tr.Outcome, fc.tr.Reason, fc.tr.File = outcome, reason, fc.path.redacted()
	if !d.IsZero() {
		fc.tr.Device = d.String()
	}
}

// servedDry records what a dry run would send (never the body).
func (fc *fetchState) servedDry(d MAC, p *profile.Profile, outcome string, body []byte) FetchReply {
	fc.decided(outcome, "", d)
	fc.tr.Vendor, fc.tr.Size, fc.tr.ContentType = p.Name, len(body), p.ContentType
	return FetchReply{Found: true, ContentType: p.ContentType}
}

// kindName names a file match for the trace.
func kindName(k profile.Kind) string {
	switch k {
	case profile.Primary:
		return "device file"
	case profile.Common:
		return "common file"
	case profile.Declined:
		return "declined name"
	}
	return "no vendor file"
}

// vendorsOf lists the vendors whose names matched, for the trace.
func vendorsOf(cs []candidate) string {
	var vs []string
	for _, c := range cs {
		vs = append(vs, c.p.Name+" ("+kindName(c.m.Kind)+")")
	}
	return strings.Join(vs, ", ")
}

// orNone is s, or none when s is empty.
func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
