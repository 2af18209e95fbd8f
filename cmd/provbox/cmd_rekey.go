package main

import (
	"fmt"

	"github.com/provbox/provbox/httpd/admin"
)

// oldURLFields are device show's lines for the old secret URLs still in
// their rotation grace: redacted, with the end of the grace.
func oldURLFields(us []admin.OldURLInfo) [][2]string {
	if len(us) == 0 {
		return [][2]string{{"old urls", "-"}}
	}
	var kv [][2]string
	for i, u := range us {
		kv = append(kv, [2]string{fmt.Sprintf("old url %d", i+1),
			fmt.Sprintf("%s (%s) redirects until %s", u.Path, u.Cause, fmtTime(u.Until))})
	}
	return kv
}
