package profile

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	r := newTestRegistry(t)
	cases := []struct {
		name  string
		edit  func(*Data)
		field string // FieldError.Field
		line  int
	}{
		{"newline in password", func(d *Data) { d.Lines[1].Password = "a\nb" }, "password", 2},
		{"CR in display name", func(d *Data) { d.Lines[0].DisplayName = "Anna\r" }, "display_name", 1},
		{"tab in label", func(d *Data) { d.Lines[0].Label = "a\tb" }, "label", 1},
		{"NUL in extension", func(d *Data) { d.Lines[0].Extension = "20\x001" }, "extension", 1},
		{"space in auth user", func(d *Data) { d.Lines[0].AuthUser = "a b" }, "auth_user", 1},
		{"line separator", func(d *Data) { d.Lines[0].DisplayName = "a\u2028b" }, "display_name", 1},
		{"invalid UTF-8", func(d *Data) { d.Lines[0].Password = "\xff\xfe" }, "password", 1},
		{"trailing space", func(d *Data) { d.Lines[0].Password = "pw " }, "password", 1},
		{"too long", func(d *Data) { d.Lines[0].DisplayName = strings.Repeat("x", maxText+1) }, "display_name", 1},
		{"missing extension", func(d *Data) { d.Lines[1].Extension = "" }, "extension", 2},
		{"line index", func(d *Data) { d.Lines[1].Index = 5 }, "index", 2},
		{"sip server with port", func(d *Data) { d.SIPServer = "pbx:5060" }, "sip_server", 0},
		{"sip server missing", func(d *Data) { d.SIPServer = "" }, "sip_server", 0},
		{"sip server injection", func(d *Data) { d.SIPServer = "pbx</x><y>" }, "sip_server", 0},
		{"ntp server spaces", func(d *Data) { d.NTPServer = "pool ntp org" }, "ntp_server", 0},
		{"port", func(d *Data) { d.SIPPort = 70000 }, "sip_port", 0},
		{"transport", func(d *Data) { d.SIPTransport = "sctp" }, "sip_transport", 0},
		{"time zone", func(d *Data) { d.TimeZone = "Europe/Atlantis" }, "timezone", 0},
		{"language", func(d *Data) { d.Language = "klingon" }, "language", 0},
		{"url missing", func(d *Data) { d.ProvisionURL = "" }, "provision_url", 0},
		{"url not a directory", func(d *Data) { d.ProvisionURL = "https://h/a/b" }, "provision_url", 0},
		{"url scheme", func(d *Data) { d.ProvisionURL = "ftp://h/a/b/" }, "provision_url", 0},
		{"url macro", func(d *Data) { d.ProvisionURL = "https://h/$MA/b/" }, "provision_url", 0},
		{"url quote", func(d *Data) { d.ProvisionURL = `https://h/"a/b/` }, "provision_url", 0},
		{"url query", func(d *Data) { d.ProvisionURL = "https://h/a/b/?x" }, "provision_url", 0},
	}
	for _, p := range r.Profiles() {
		if err := p.Validate(SampleData(p.Name)); err != nil {
			t.Fatalf("%s: sample refused: %v", p.Name, err)
		}
		for _, c := range cases {
			d := SampleData(p.Name)
			d.Lines = append([]Line(nil), d.Lines...)
			c.edit(&d)
			err := p.Validate(d)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || fe.Line != c.line {
				t.Errorf("%s %s: got %v, want field %s line %d", p.Name, c.name, err, c.field, c.line)
			}
		}
	}
}

func TestValidateLineLimit(t *testing.T) {
	r := newTestRegistry(t)
	for _, p := range r.Profiles() {
		d := SampleData(p.Name)
		d.Lines = nil
		for i := 1; i <= p.maxLines+1; i++ {
			d.Lines = append(d.Lines, Line{Index: i, Extension: "20" + string(rune('0'+i%10)), Password: "pw"})
		}
		err := p.Validate(d)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "lines" {
			t.Errorf("%s: %d lines accepted: %v", p.Name, len(d.Lines), err)
		}
		d.Lines = d.Lines[:p.maxLines]
		if err := p.Validate(d); err != nil {
			t.Errorf("%s: %d lines refused: %v", p.Name, p.maxLines, err)
		}
		// The most lines a profile takes all reach the full config.
		for _, f := range primaries(p) {
			if isIndirect(p, f) {
				continue
			}
			full := must(t)(r.Full(p, f, d))
			if n := strings.Count(string(full), ">pw<") + strings.Count(string(full), `"pw"`) + strings.Count(string(full), "= pw\n") + strings.Count(string(full), ":pw\n"); n != p.maxLines {
				t.Errorf("%s %s: %d of %d passwords rendered", p.Name, f, n, p.maxLines)
			}
		}
	}
}

// Data as it comes from an account without optional settings renders.
func TestMinimalData(t *testing.T) {
	r := newTestRegistry(t)
	for _, p := range r.Profiles() {
		d := SampleData(p.Name)
		d.NTPServer, d.TimeZone, d.Language, d.SIPTransport = "", "", "", ""
		d.Lines = d.Lines[:1]
		d.Lines[0].AuthUser, d.Lines[0].DisplayName, d.Lines[0].Label = "", "", ""
		for _, f := range primaries(p) {
			must(t)(r.Full(p, f, d))
		}
		d.Lines, d.SIPServer = nil, ""
		for _, f := range primaries(p) {
			must(t)(r.Redirect(p, f, d))
			must(t)(r.Full(p, f, d))
		}
	}
}
