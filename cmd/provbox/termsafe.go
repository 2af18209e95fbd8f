package main

import "github.com/provbox/provbox/provisioning"

// printedTable is c.table with every cell through provisioning.Printable:
// tables show what phones and attackers sent (file names, User-Agents,
// option values), possibly stored by an older provbox that kept them
// raw, and an admin's terminal must not act on an escape sequence among
// them (nor a tab shift the columns).
func (c *cli) printedTable(rows [][]string) error {
	safe := make([][]string, len(rows))
	for i, r := range rows {
		safe[i] = make([]string, len(r))
		for j, cell := range r {
			safe[i][j] = provisioning.Printable(cell)
		}
	}
	return c.table(safe)
}
