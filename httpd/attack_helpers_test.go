package httpd

import (
	"unicode"
	"unicode/utf8"
)

// unprintable returns the first rune of s (or byte, when s is not UTF-8)
// that is not printable text: a control, a format character or a
// broken encoding.
func unprintable(s string) (string, bool) {
	for i, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			_, n := utf8.DecodeRuneInString(s[i:])
			return s[i : i+n], true
		}
	}
	return "", false
}
