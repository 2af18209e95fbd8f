package phone

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// maxFollow bounds the files one pass follows (includes, CONFIG_FILES,
// setting files), so a looping config cannot keep a phone busy.
const maxFollow = 16

// pass is what one walk through a provisioning server gave the phone.
type pass struct {
	Settings Settings
	// Answered lists the files that were served, in order.
	Answered []string
	// RedirectFrom is the first file whose own content set a provisioning
	// server ("" if none did).
	RedirectFrom string
	// LinesFrom lists the walked location's own files whose content
	// carried SIP lines: those the phone asked by name, and those a config
	// named in the same directory (not a Yealink boot file's include of
	// the secret URL's .cfg, which is the secret fetch itself).
	LinesFrom []string
	// Rejected are files the phone could not read; like a real phone it
	// ignores them (a redirect it cannot read is then simply missing).
	Rejected []string
	home     string
}

// walk asks t for the phone's files in its order (or t.File alone), reads
// each with the vendor's dialect and follows the files they name.
func (p *Profile) walk(ctx context.Context, c *Client, mac net.HardwareAddr, t Target) (pass, error) {
	ps := pass{Settings: newSettings(), home: urlDir(t)}
	if t.File != "" {
		return ps, p.read(ctx, c, mac, t.File, &ps, new(int), true)
	}
	steps := p.Files(mac)
	served := make([]bool, len(steps))
	follows := 0
	for i, st := range steps {
		if anyServed(served, st.Unless) {
			continue
		}
		u := t.Base + st.Name
		before := len(ps.Answered)
		if err := p.read(ctx, c, mac, u, &ps, &follows, true); err != nil {
			return ps, err
		}
		served[i] = len(ps.Answered) > before
	}
	return ps, nil
}

func anyServed(served []bool, idx []int) bool {
	for _, i := range idx {
		if served[i] {
			return true
		}
	}
	return false
}

// read fetches one file, merges its settings and reads the files it names.
// asked: the phone asked for u at the walked location by its own name
// (rather than being sent there by a config).
func (p *Profile) read(ctx context.Context, c *Client, mac net.HardwareAddr, u string, ps *pass, follows *int, asked bool) error {
	body, ok := c.Get(ctx, u)
	if !ok {
		return nil // a missing file is normal; the phone moves on
	}
	ps.Answered = append(ps.Answered, u)
	s, err := p.dialect.parse(body, mac)
	if err != nil {
		ps.Rejected = append(ps.Rejected, fmt.Sprintf("%s: %v", u, err))
		return nil
	}
	if _, has, _ := p.dialect.redirect(s, mac); has && ps.RedirectFrom == "" {
		ps.RedirectFrom = u
	}
	if len(p.dialect.lines(s)) > 0 && (asked || inDir(u, ps.home)) {
		ps.LinesFrom = append(ps.LinesFrom, u)
	}
	follow := s.Follow
	s.Follow = nil
	ps.Settings.merge(s)
	for _, f := range follow {
		if *follows >= maxFollow {
			return fmt.Errorf("%s: more than %d files to follow", u, maxFollow)
		}
		*follows++
		next, err := resolve(u, f)
		if err != nil {
			return fmt.Errorf("%s names %q: %w", u, f, err)
		}
		if err := p.read(ctx, c, mac, next, ps, follows, false); err != nil {
			return err
		}
	}
	return nil
}

// inDir reports whether u is a file directly in directory dir (not in a
// subdirectory such as a secret path under the bootstrap root).
func inDir(u, dir string) bool {
	rest, ok := strings.CutPrefix(u, dir)
	return ok && !strings.Contains(rest, "/")
}

// resolve makes a file reference absolute against the file naming it.
func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}
