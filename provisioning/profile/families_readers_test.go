package profile

// Readers for the Gigaset and Panasonic formats, written from the vendors'
// file descriptions (Gigaset wiki provisioning examples; Panasonic
// Administrator Guide 2.4) and independent of the templates.

import (
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func init() {
	readers["gigaset"] = readGigasetRedirect
	readers["panasonic"] = readPanasonicRedirect
}

// panaHeaders are the first lines a Panasonic phone accepts (KX-UT/HDV
// guides 2.4; FusionPBX's KX-TGP5xx templates).
var panaHeaders = []string{"# Panasonic SIP Phone Standard Format File #", "# PCC Standard Format File #"}

var panaLine = regexp.MustCompile(`^([A-Z0-9_]{1,32})="(.*)"$`)

// readPanasonic reads KEY="value" text as the guide specifies it: the
// header first, every line ending in CRLF, no spaces around '=', the
// value quoted. A key set twice is refused (the phone keeps the first).
func readPanasonic(b []byte) (map[string]string, error) {
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		return nil, fmt.Errorf("file does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if !slices.ContainsFunc(panaHeaders, func(h string) bool { return strings.HasPrefix(lines[0], h) }) {
		return nil, fmt.Errorf("first line %q is not a Panasonic header", lines[0])
	}
	kv := map[string]string{}
	for i, l := range lines[1:] {
		n := i + 2
		switch {
		case strings.Contains(l, "\n") || strings.Contains(l, "\r"):
			return nil, fmt.Errorf("line %d: bare LF or CR", n)
		case l == "" || strings.HasPrefix(l, "#"):
		default:
			m := panaLine.FindStringSubmatch(l)
			if m == nil {
				return nil, fmt.Errorf("line %d: not KEY=\"value\": %q", n, l)
			}
			if _, dup := kv[m[1]]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %s", n, m[1])
			}
			kv[m[1]] = m[2]
		}
	}
	return kv, nil
}

func readPanasonicRedirect(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
	kv, err := readPanasonic(body)
	if err != nil {
		return redirectFacts{}, err
	}
	own := "Config" + strings.ToUpper(hex.EncodeToString(d.MAC[:])) + ".cfg"
	dir, ok := strings.CutSuffix(kv["CFG_STANDARD_FILE_PATH"], own)
	if !ok {
		return redirectFacts{}, fmt.Errorf("CFG_STANDARD_FILE_PATH %q does not name %s", kv["CFG_STANDARD_FILE_PATH"], own)
	}
	off := kv["OPTION66_ENABLE"] == "N" && kv["OPTION159_PROV_ENABLE"] == "N" && kv["OPTION160_PROV_ENABLE"] == "N"
	return redirectFacts{url: dir, dhcpOff: off && kv["PROVISION_ENABLE"] == "Y"}, nil
}

// readGigaset reads <provisioning version="1.1"><nvm><param name value/>:
// name -> value, a param inside an <oper> keyed "<oper name>:<oper
// value>/<param name>". A name set twice is refused.
func readGigaset(b []byte) (map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	out, stack := map[string]string{}, []xml.StartElement{}
	attr := func(se xml.StartElement, n string) string {
		for _, a := range se.Attr {
			if a.Name.Local == n {
				return a.Value
			}
		}
		return ""
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && (t.Name.Local != "provisioning" || attr(t, "version") != "1.1") {
				return nil, fmt.Errorf("root is <%s version=%q>, want <provisioning version=\"1.1\">", t.Name.Local, attr(t, "version"))
			}
			if t.Name.Local == "param" {
				if len(stack) < 2 || stack[1].Name.Local != "nvm" {
					return nil, fmt.Errorf("param %q outside <nvm>", attr(t, "name"))
				}
				key := attr(t, "name")
				if parent := stack[len(stack)-1]; parent.Name.Local == "oper" {
					key = attr(parent, "name") + ":" + attr(parent, "value") + "/" + key
				}
				if _, dup := out[key]; dup {
					return nil, fmt.Errorf("duplicate param %s", key)
				}
				out[key] = attr(t, "value")
			}
			stack = append(stack, t)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// readGigasetRedirect: both dialects' servers must name the secret URL
// (the phone appends "/<file>"); DHCP off is the Maxwell's switch (the
// Nx70 has none, see README), with SIP multicast off as well.
func readGigasetRedirect(t *testing.T, r *Registry, p *Profile, file string, d Data, body []byte) (redirectFacts, error) {
	kv, err := readGigaset(body)
	if err != nil {
		return redirectFacts{}, err
	}
	nx, mw := kv["Provisioning.global.ProvisioningServer"], kv["System.Provision.ProvisioningServer"]
	if nx != mw || nx == "" || strings.HasSuffix(nx, "/") {
		return redirectFacts{}, fmt.Errorf("servers %q (Nx70) and %q (Maxwell): want one URL without trailing /", nx, mw)
	}
	opts := strings.Split(kv["NET.IP.IPv4.DHCP.Options.Disabled"], ",")
	off := slices.Contains(opts, "66") && slices.Contains(opts, "114") && kv["SystemSettings.global.SipMulticastEnabled"] == "0"
	return redirectFacts{url: nx + "/", dhcpOff: off}, nil
}

// KX-TGP5xx files carry their own header; a Maxwell device's own file is
// written in the Maxwell dialect, without the Nx70's productID.
func TestFamilyDialects(t *testing.T) {
	r := newTestRegistry(t)
	pana, _ := r.Profile("panasonic")
	d := SampleData("panasonic")
	body := must(t)(r.Redirect(pana, "KX-TGP550T04.cfg", d))
	if !bytes.HasPrefix(body, []byte("# PCC Standard Format File #")) {
		t.Errorf("KX-TGP550 redirect header:\n%s", body)
	}
	if f := readRedirect(t, r, pana, "", "KX-TGP550T04.cfg", d, body); !f.dhcpOff || f.url != d.ProvisionURL {
		t.Errorf("KX-TGP550 redirect reads %+v", f)
	}
	gs, _ := r.Profile("gigaset")
	g := SampleData("gigaset")
	g.Model = "Maxwell 3"
	full := must(t)(r.Full(gs, hex.EncodeToString(g.MAC[:])+".xml", g))
	kv, err := readGigaset(full)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(full, []byte("productID")) || kv["SIP.Account.0.AuthPassword"] != g.Lines[0].Password || kv["SipAccount.00001.AuthPassword"] != "" {
		t.Errorf("Maxwell full config in the wrong dialect:\n%s", full)
	}
	g.Model = "N870 IP PRO"
	kv, err = readGigaset(must(t)(r.Full(gs, hex.EncodeToString(g.MAC[:])+".xml", g)))
	if err != nil || kv["SipAccount.00002.AuthPassword"] != g.Lines[1].Password || kv["add_hs:00002/hs.RegStatus"] != "ToReg" {
		t.Errorf("Nx70 full config: %v %v", kv, err)
	}
}
