package profile

import (
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"text/template"
)

// view is what a template sees: Data plus values derived from it, so
// templates stay free of computation.
type view struct {
	Data
	File      string // the requested file name
	MACHex    string // 805ec0112233
	MACUpper  string // 805EC0112233
	MACColon  string // 80:5e:c0:11:22:33
	Scheme    string // of ProvisionURL: http, https or tftp
	Host      string // host[:port] of ProvisionURL
	URLPath   string // path of ProvisionURL, "/<account_hash>/<device_hash>/"
	Transport string // udp, tcp or tls (default udp)
	Port      int    // SIPPort, or the transport's default
	Lang      string // Language in this vendor's spelling; "" keeps the phone's
	Zone      Zone   // TimeZone, decoded
	TZ        string // TimeZone as this vendor's zone code; "" where it has none
	GenName   string // the requester's firmware generation; "" unknown (templates use .Gen)
}

// Line returns line n (1-based), or nil: templates with one block per
// line write {{with $.Line 2}}…{{end}}.
func (v view) Line(n int) *Line {
	if n < 1 || n > len(v.Lines) {
		return nil
	}
	return &v.Lines[n-1]
}

// Auth is a line's authentication user: AuthUser, or the extension.
func (l Line) Auth() string {
	if l.AuthUser != "" {
		return l.AuthUser
	}
	return l.Extension
}

// newView derives the template view. d must have passed Validate.
func newView(p *Profile, file string, d Data, year int) (view, error) {
	v := view{Data: d, File: file}
	v.MACHex = hex.EncodeToString(d.MAC[:])
	v.MACUpper = strings.ToUpper(v.MACHex)
	v.MACColon = macColon(d.MAC)
	if d.ProvisionURL != "" {
		u, err := url.Parse(d.ProvisionURL)
		if err != nil {
			return v, fmt.Errorf("provision_url: %w", err)
		}
		v.Scheme, v.Host, v.URLPath = u.Scheme, u.Host, u.EscapedPath()
	}
	v.Transport = d.SIPTransport
	if v.Transport == "" {
		v.Transport = "udp"
	}
	v.Port = d.SIPPort
	if v.Port == 0 {
		v.Port = 5060
		if v.Transport == "tls" {
			v.Port = 5061
		}
	}
	v.Lang = p.languages[d.Language]
	v.TZ = p.zones[d.TimeZone]
	z, err := cachedZone(d.TimeZone, year)
	if err != nil {
		return v, fmt.Errorf("timezone: %w", err)
	}
	v.Zone = z
	v.GenName = p.Generation(d.UserAgent, d.Model)
	return v, nil
}

func macColon(m [6]byte) string {
	var b strings.Builder
	for i, c := range m {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex.EncodeToString([]byte{c}))
	}
	return b.String()
}

// funcs are the helpers every template may use.
var funcs = template.FuncMap{
	"xml":        xmlEscape,
	"hasSuffix":  strings.HasSuffix,
	"hasPrefix":  strings.HasPrefix,
	"trimPrefix": strings.TrimPrefix,
	"trimSuffix": strings.TrimSuffix,
	"upper":      strings.ToUpper,
	"lower":      strings.ToLower,
	"fields":     strings.Fields,
	"list":       func(a ...any) []any { return a },
}

// xmlEscape escapes s for XML text and attribute values alike (quotes
// included).
func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
