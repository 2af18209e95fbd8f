package provisioning

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"Yealink SIP-T46U 108.86.0.20":    "Yealink SIP-T46U 108.86.0.20",
		"Grandstream GXP2170 é ü 日本":      "Grandstream GXP2170 é ü 日本",
		"a\x1b[2Jb":                       `a\u001b[2Jb`,
		"a\u009b2Jb":                      `a\u009b2Jb`,
		"\u009d8;;http://evil\u009cclick": `\u009d8;;http://evil\u009cclick`,
		"x\x9by":                          `x\x9by`,
		"rlo\u202eexe.cfg":                `rlo\u202eexe.cfg`,
		"tab\tcr\rlf\nbel\x07del\x7f":     `tab\u0009cr\u000dlf\u000abel\u0007del\u007f`,
		"zero\u200bwidth\ufeff":           `zero\u200bwidth\ufeff`,
		"\ufffd":                          `\ufffd`,
		"\xc2":                            `\xc2`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
		if got := Printable(Printable(in)); got != Printable(in) {
			t.Errorf("Printable is not idempotent on %q: %q", in, got)
		}
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"a\x1bb", "\u009b", "\xff", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		for _, r := range p {
			if unprintableRune(r) {
				t.Fatalf("Printable(%q) = %q keeps %U", s, p, r)
			}
		}
	})
}

// A format character past the BMP (the tag characters of a subdivision
// flag) is escaped with eight digits, not read back as another rune and
// a digit.
func TestPrintableAstral(t *testing.T) {
	if got, want := Printable("\U000E0067"), `\U000e0067`; got != want {
		t.Errorf("Printable(U+E0067) = %s, want %s", got, want)
	}
}
