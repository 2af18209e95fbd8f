package provisioning

import (
	"strings"
	"testing"
)

func TestParseMAC(t *testing.T) {
	want := MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	good := []string{"805ec0112233", "805EC0112233", "80:5e:c0:11:22:33", "80-5E-C0-11-22-33", "805e.c011.2233", "805E.C011.2233"}
	for _, in := range good {
		got, err := ParseMAC(in)
		if err != nil || got != want {
			t.Errorf("ParseMAC(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                   "malformed MAC \"\"",
		"805ec011223":        "want 12 hex digits",
		"805ec01122334":      "want 12 hex digits",
		"805ec011223g":       "want 12 hex digits",
		"80:5e:c0:11:22-33":  "want 12 hex digits",
		"80:5e:c0:11:22:3":   "want 12 hex digits",
		"805e:c011:2233":     "want 12 hex digits",
		"805e.c011-2233":     "want 12 hex digits",
		"ff:ff:ff:ff:ff:ff":  "multicast or broadcast",
		"01:00:5e:00:00:01":  "multicast or broadcast",
		" 805ec0112233":      "want 12 hex digits",
		"80:5e:c0:11:22:33 ": "want 12 hex digits",
		"0x805ec0112233":     "want 12 hex digits",
	}
	for in, msg := range bad {
		_, err := ParseMAC(in)
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "\""+in+"\"") {
			t.Errorf("ParseMAC(%q) error = %v; want it to quote the input and say %q", in, err, msg)
		}
	}
}

func TestMACForms(t *testing.T) {
	m := MAC{0x00, 0x04, 0x13, 0xab, 0xcd, 0xef}
	for got, want := range map[string]string{m.String(): "00:04:13:ab:cd:ef", m.Hex(): "000413abcdef", m.HexUpper(): "000413ABCDEF"} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	var u MAC
	if err := u.UnmarshalText([]byte("00-04-13-AB-CD-EF")); err != nil || u != m {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	if _, err := MACFromHardwareAddr([]byte{1, 2, 3}); err == nil {
		t.Error("MACFromHardwareAddr accepted 3 bytes")
	}
}

func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"805ec0112233", "80:5e:c0:11:22:33", "805e.c011.2233", "80-5E-C0-11-22-33", "zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMAC(s)
		if err != nil {
			return
		}
		// Whatever parses must round-trip through every form.
		for _, form := range []string{m.String(), m.Hex(), m.HexUpper()} {
			if again, err := ParseMAC(form); err != nil || again != m {
				t.Fatalf("ParseMAC(%q) from %q = %v, %v", form, s, again, err)
			}
		}
	})
}
