package provisioning

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable is s with everything that is not printable text written as
// an escape: controls (C0, DEL and the C1 range, whose U+009B a UTF-8
// terminal takes for CSI), format characters (bidi overrides, zero
// widths) and bytes that are not UTF-8 become \xNN or \uNNNN. What a
// requester sends (User-Agent, file name) is kept this way in the audit
// trail: the CLI prints it to a terminal and the CSV export to a
// spreadsheet, neither of which should act on it. s printable already
// is returned as is, without allocating.
func Printable(s string) string { return Escape(s, unprintableRune) }

// Escape is s with every rune unsafe reports, and every byte that is not
// UTF-8, written as \xNN, \uNNNN or \UNNNNNNNN; s without any is returned
// as is, without allocating. unsafe must report U+FFFD (how a broken byte
// decodes) for broken bytes to be found.
func Escape(s string, unsafe func(rune) bool) string {
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unsafe(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r) // \u takes four digits: \ue0067 would read as U+E006 and a 7
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

// unprintableRune: not a letter, mark, number, punctuation, symbol or
// the ASCII space (unicode.IsPrint), or U+FFFD itself (which is how a
// broken byte may already have been shown).
func unprintableRune(r rune) bool {
	return r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r))
}
