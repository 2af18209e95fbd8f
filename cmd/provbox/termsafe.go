package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/provbox/provbox/provisioning"
)

// printedTable is c.table with every cell through termSafe:
// tables show what phones and attackers sent (file names, User-Agents,
// option values), possibly stored by an older provbox that kept them
// raw, and an admin's terminal must not act on an escape sequence among
// them (nor a tab shift the columns).
func (c *cli) printedTable(rows [][]string) error {
	safe := make([][]string, len(rows))
	for i, r := range rows {
		safe[i] = make([]string, len(r))
		for j, cell := range r {
			safe[i][j] = termSafe(cell)
		}
	}
	return c.table(safe)
}

// printedCSV copies the CSV fill writes to dst with every cell through
// termSafe, as printedTable does for tables: an export
// goes to the terminal as often as to a file. fill's own error (the
// daemon's answer) wins over what reading its output then says.
func printedCSV(dst io.Writer, fill func(io.Writer) error) error {
	pr, pw := io.Pipe()
	filled := make(chan error, 1)
	go func() {
		err := fill(pw)
		pw.CloseWithError(err)
		filled <- err
	}()
	err := copyPrintedCSV(dst, csv.NewReader(pr))
	pr.CloseWithError(errors.New("the CSV was not read to its end")) // unblocks fill after an error here
	if ferr := <-filled; ferr != nil {
		return ferr
	}
	return err
}

func copyPrintedCSV(dst io.Writer, r *csv.Reader) error {
	r.FieldsPerRecord = -1
	w := csv.NewWriter(dst)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the daemon's CSV: %w", err)
		}
		for i, cell := range rec {
			rec[i] = termSafe(cell)
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// termSafe escapes what a terminal acts on or that reorders a line: C0,
// DEL and C1 controls (U+009B is CSI), the bidi embeddings, overrides
// and isolates (U+202A-U+202E, U+2066-U+2069: the "Trojan Source" set),
// the line and paragraph separators, and bytes that are not UTF-8.
// Everything else an admin may have typed stays as typed: joiners inside
// emoji and Persian words (U+200C/D), the marks of RTL names (U+200E/F,
// U+061C), no-break and ideographic spaces, soft hyphens.
func termSafe(s string) string { return provisioning.Escape(s, termUnsafe) }

func termUnsafe(r rune) bool {
	return r < ' ' || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x2028 || r == 0x2029 || r == utf8.RuneError
}
