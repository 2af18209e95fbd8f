package ops

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeCSVCell defuses a spreadsheet formula in a cell of a CSV export:
// the User-Agent, file names, labels and the like come from whoever
// asked. Following OWASP's "CSV Injection" guidance, a cell gets a
// leading apostrophe when it starts with = + - @, a tab, CR, LF or NUL,
// or with one of = + - @ (or their full-width forms ＝ ＋ － ＠, which some
// spreadsheets read as the ASCII ones) after leading blanks or control
// characters, which spreadsheets skip. Every CSV writer uses it.
func SafeCSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '\t', '\r', '\n', 0:
		return "'" + s
	}
	t := strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if r, _ := utf8.DecodeRuneInString(t); t != "" && strings.ContainsRune("=+-@＝＋－＠", r) {
		return "'" + s
	}
	return s
}
