package store

import (
	"fmt"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

// unknownEvents are the audit lines of unknown devices, which TrimEvents
// bounds apart (provisioning.Event.Unknown, set when written). Spelled as
// a comparison: SQLite uses no index for a bare boolean column, and would
// walk every line's end to find the unknown ones.
const unknownEvents = "unknown = TRUE"

// searchConds adds the admin's search filters of f to where and args;
// col is how the time column is spelled (eventQuery).
func searchConds(f provisioning.EventFilter, col string, where []string, args []any) ([]string, []any) {
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.IP.IsValid() {
		add("ip = $%d", addrText(f.IP))
	}
	if f.Outcome != "" {
		add("outcome = $%d", f.Outcome)
	}
	if f.Reason != "" {
		add("reason LIKE $%d ESCAPE '\\'", likePrefix(f.Reason))
	}
	if f.Actor != "" {
		add("actor LIKE $%d ESCAPE '\\'", likePrefix(f.Actor))
	}
	if !f.Until.IsZero() && f.Until.Before(maxTime) {
		if f.Until.Before(minTime) {
			add(col+" < $%d", minTime.UnixNano())
		} else {
			add(col+" < $%d", f.Until.UnixNano())
		}
	}
	if f.ID > 0 {
		add("id = $%d", f.ID)
	}
	return where, args
}

// likePrefix is a LIKE pattern matching values that start with s.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
