package profile

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldError names a value a vendor's formats cannot carry. Line is the
// 1-based SIP line, 0 for device-wide fields; Field uses the admin
// API's names (password, sip_server, …).
type FieldError struct {
	Line   int
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
	}
	return e.Field + ": " + e.Reason
}

// hostRE is a DNS name or IPv4 address, or a bracketed IPv6 address.
var hostRE = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]+\])$`)

// urlRE is the character set a secret URL may use: it goes unquoted into
// every format, and Cisco expands '$' macros.
var urlRE = regexp.MustCompile(`^[A-Za-z0-9._~:/\[\]%-]+$`)

// knownLanguages are the codes Data.Language may take; a vendor that
// lacks one keeps the phone's own language.
var knownLanguages = map[string]bool{"en": true, "de": true, "fr": true, "es": true, "it": true, "pt": true, "pl": true, "nl": true}

// maxText bounds free-text values (display names, passwords, labels).
const maxText = 128

// Validate refuses data this vendor's formats cannot carry, naming the
// field (and line): control characters, newlines, invalid UTF-8,
// leading or trailing spaces, malformed hosts and URLs, more lines than
// the profile supports, unknown time zones and languages.
func (p *Profile) Validate(d Data) error {
	if err := checkProvisionURL(d.ProvisionURL); err != nil {
		return err
	}
	if err := checkDevice(d); err != nil {
		return err
	}
	if len(d.Lines) > p.maxLines {
		return &FieldError{Field: "lines", Reason: fmt.Sprintf("%s supports at most %d lines, got %d", p.Title, p.maxLines, len(d.Lines))}
	}
	for i, l := range d.Lines {
		if err := checkLine(i+1, l); err != nil {
			return err
		}
	}
	return nil
}

func checkProvisionURL(s string) error {
	bad := func(r string) error { return &FieldError{Field: "provision_url", Reason: r} }
	if s == "" {
		return bad("missing")
	}
	if !urlRE.MatchString(s) {
		return bad(fmt.Sprintf("%q has characters a phone config cannot carry", s))
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad(err.Error())
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tftp":
		return bad("scheme must be http, https or tftp")
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return bad("want scheme://host[:port]/path/ with no user, query or fragment")
	// "/" is the flat-folder mode's URL (disable_auto_provision_security).
	case !strings.HasSuffix(u.Path, "/"):
		return bad("must be a directory ending in /")
	}
	return nil
}

func checkDevice(d Data) error {
	if err := checkHost("sip_server", d.SIPServer, len(d.Lines) > 0); err != nil {
		return err
	}
	if err := checkHost("ntp_server", d.NTPServer, false); err != nil {
		return err
	}
	if d.SIPPort < 0 || d.SIPPort > 65535 {
		return &FieldError{Field: "sip_port", Reason: fmt.Sprintf("%d is not a port", d.SIPPort)}
	}
	switch d.SIPTransport {
	case "", "udp", "tcp", "tls":
	default:
		return &FieldError{Field: "sip_transport", Reason: fmt.Sprintf("%q: want udp, tcp or tls", d.SIPTransport)}
	}
	if d.TimeZone != "" {
		if _, err := cachedZone(d.TimeZone, time.Now().Year()); err != nil {
			return &FieldError{Field: "timezone", Reason: err.Error()}
		}
	}
	if d.Language != "" && !knownLanguages[d.Language] {
		return &FieldError{Field: "language", Reason: fmt.Sprintf("%q: want one of en, de, fr, es, it, pt, pl, nl", d.Language)}
	}
	return nil
}

func checkHost(field, h string, required bool) error {
	if h == "" {
		if required {
			return &FieldError{Field: field, Reason: "missing"}
		}
		return nil
	}
	if len(h) > 253 || !hostRE.MatchString(h) {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%q is not a host name or address (the port goes in its own field)", printable(h))}
	}
	return nil
}

func checkLine(n int, l Line) error {
	if l.Index != n {
		return &FieldError{Line: n, Field: "index", Reason: fmt.Sprintf("is %d, want %d (lines are numbered from 1 in order)", l.Index, n)}
	}
	if l.Extension == "" {
		return &FieldError{Line: n, Field: "extension", Reason: "missing"}
	}
	for _, f := range []struct {
		name, v string
		noSpace bool
	}{
		{"extension", l.Extension, true}, {"auth_user", l.AuthUser, true},
		{"password", l.Password, false}, {"display_name", l.DisplayName, false}, {"label", l.Label, false},
	} {
		if r := textProblem(f.v, f.noSpace); r != "" {
			return &FieldError{Line: n, Field: f.name, Reason: r}
		}
	}
	return nil
}

// textProblem says why s cannot go into a config, or "".
func textProblem(s string, noSpace bool) string {
	switch {
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case len(s) > maxText:
		return fmt.Sprintf("longer than %d bytes", maxText)
	case strings.TrimSpace(s) != s:
		return "has leading or trailing space"
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("contains control character %U", r)
		}
		if noSpace && unicode.IsSpace(r) {
			return "contains a space"
		}
	}
	return ""
}

// printable quotes s safely for an error message.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
