package phone

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Target is where a redirect sends the phone: a directory it appends its
// usual file names to (Base), or one file (File). Both are absolute URLs.
type Target struct {
	Base string `json:"base,omitempty"`
	File string `json:"file,omitempty"`
}

// IsZero reports whether no provisioning server was set.
func (t Target) IsZero() bool { return t.Base == "" && t.File == "" }

// String is the URL the target names.
func (t Target) String() string {
	if t.File != "" {
		return t.File
	}
	return t.Base
}

// Redirect is what a phone understood from the config it read.
type Redirect struct {
	Target Target
	// DHCPOff: the phone will now ignore DHCP-supplied provisioning
	// servers (Option 66/150/160), per its vendor's own switch.
	DHCPOff bool
	// Off names the other discovery paths the config turned off (pnp, ...).
	Off []string
}

// Line is one SIP account found in a full config.
type Line struct {
	Index    int    `json:"index"`
	User     string `json:"user"`
	AuthUser string `json:"auth_user,omitempty"`
	Password string `json:"password"`
	Server   string `json:"server,omitempty"`
}

// dialect reads one vendor's config files, as that phone would.
type dialect interface {
	// parse reads one file; Settings.Follow holds the files it names.
	parse(body []byte, mac net.HardwareAddr) (Settings, error)
	// redirect reports the provisioning server the settings set, if any.
	redirect(s Settings, mac net.HardwareAddr) (Redirect, bool, error)
	// lines reports the SIP accounts the settings carry.
	lines(s Settings) []Line
}

// lineKeys gives, for account i, the candidate keys of user, auth user,
// password and server.
type lineKeys func(i int) (user, auth, pass, server []string)

const maxLines = 16

func collectLines(s Settings, keys lineKeys) []Line {
	var out []Line
	for i := 1; i <= maxLines; i++ {
		u, a, p, srv := keys(i)
		l := Line{Index: i}
		l.User, _ = s.Get(u...)
		l.AuthUser, _ = s.Get(a...)
		l.Password, _ = s.Get(p...)
		l.Server, _ = s.Get(srv...)
		if l.Password != "" || l.User != "" {
			out = append(out, l)
		}
	}
	return out
}

func keysf(i int, formats ...string) []string {
	out := make([]string, len(formats))
	for j, f := range formats {
		out[j] = fmt.Sprintf(f, i)
	}
	return out
}

// dirURL makes a provisioning directory URL from a value that may lack a
// scheme (then scheme is used) and a trailing slash.
func dirURL(v, scheme string) (string, error) {
	u, err := absURL(v, scheme)
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u, nil
}

// absURL validates v as an absolute URL, prefixing scheme:// when v has
// no scheme, as the phones do with a bare host/path.
func absURL(v, scheme string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("empty server")
	}
	if !strings.Contains(v, "://") {
		if scheme == "" {
			return "", fmt.Errorf("server %q has no scheme and no protocol is set", v)
		}
		v = scheme + "://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("server %q: %w", v, err)
	}
	switch u.Scheme {
	case "http", "https", "tftp":
	default:
		return "", fmt.Errorf("server %q: unsupported scheme %q", v, u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("server %q has no host", v)
	}
	return u.String(), nil
}
