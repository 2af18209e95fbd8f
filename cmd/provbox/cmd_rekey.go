package main

import (
	"flag"
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

// noGraceFlag adds --no-grace to a rekey verb.
func noGraceFlag(in *admin.RekeyInput) flagSetter {
	return func(fs *flag.FlagSet) *flag.FlagSet {
		fs.BoolVar(&in.NoGrace, "no-grace", false, "end the old URL now, and every old URL still in grace (no redirect to the new one)")
		return fs
	}
}

// rekeyNote tells the admin what happens to provisioned phones.
func rekeyNote(in admin.RekeyInput) string {
	if in.NoGrace {
		return "every device of this account has a new secret URL and the old ones are dead; phones already provisioned need `provbox device unlock` and a factory reset to fetch it"
	}
	return "every device of this account has a new secret URL; provisioned phones are redirected from their old one on their next check, for rotation_grace (see `provbox device show`)"
}
