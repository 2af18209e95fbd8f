package main

import "testing"

// Admin-typed text keeps its joiners, marks and spaces; what a terminal
// acts on (or reorders a line with) is still escaped.
func TestTermSafeKeepsNamesEscapesControls(t *testing.T) {
	for _, s := range []string{"Müller", "東京\u3000本社", "👨\u200d👩\u200d👧", "Praxis\u00a0Weiß", "משה\u200f כהן",
		"می\u200cخواهم", "Ge\u00adschäft", "❤\ufe0f", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"} {
		if got := termSafe(s); got != s {
			t.Errorf("termSafe(%q) = %q, want it unchanged", s, got)
		}
	}
	for in, want := range map[string]string{
		"\x1b[2J": `\u001b[2J`, "\u009b2J": `\u009b2J`, "a\tb": `a\u0009b`, "ok\rfake": `ok\u000dfake`,
		"\u202egfc.x": `\u202egfc.x`, "\u2066x\u2069": `\u2066x\u2069`, "a\u2028b": `a\u2028b`, "\xff": `\xff`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
