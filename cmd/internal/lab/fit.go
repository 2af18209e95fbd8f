package lab

import (
	"bytes"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// tableWidth is the terminal width the demo's tables fit in.
const tableWidth = 120

// fitTable renders tab-separated rows as aligned columns no wider than
// width: while a line is too wide it shortens the widest column's long
// cells by one character (ending them in "…"). Bounded in rounds.
func fitTable(rows []string, width int) string {
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = strings.Split(r, "\t")
	}
	for range 5000 {
		out := renderTable(cells)
		if maxLineWidth(out) <= width {
			return out
		}
		col, w := widestColumn(cells)
		if w <= 8 {
			return out // nothing left worth shortening
		}
		for _, r := range cells[1:] {
			if col < len(r) && utf8.RuneCountInString(r[col]) == w {
				r[col] = string([]rune(r[col])[:w-2]) + "…"
			}
		}
	}
	return renderTable(cells)
}

func renderTable(cells [][]string) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range cells {
		tw.Write([]byte(strings.Join(r, "\t") + "\n"))
	}
	tw.Flush()
	return b.String()
}

func maxLineWidth(s string) int {
	m := 0
	for _, l := range strings.Split(s, "\n") {
		m = max(m, utf8.RuneCountInString(strings.TrimRight(l, " ")))
	}
	return m
}

// widestColumn returns the column with the longest cell (headers
// excluded: they stay whole) and that length.
func widestColumn(cells [][]string) (col, width int) {
	for _, r := range cells[1:] {
		for i, c := range r {
			if n := utf8.RuneCountInString(c); n > width {
				col, width = i, n
			}
		}
	}
	return col, width
}
