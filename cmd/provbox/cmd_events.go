package main

import (
	"context"
	"io"
	"time"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

const eventsUsage = "[--mac MAC] [--ip IP] [--outcome OUTCOME] [--reason PREFIX] [--actor PREFIX] [--since DURATION] [--until TIME] [--limit N] [--offset N] [--before ID] [--csv]"

func cmdEvents(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("events")
	var s admin.EventSearch
	var since time.Duration
	var until string
	var csvOut bool
	fs.StringVar(&s.MAC, "mac", "", "only this device's events (refusals of an unknown MAC too)")
	fs.StringVar(&s.IP, "ip", "", "only this requester's events")
	fs.StringVar(&s.Outcome, "outcome", "", "only this outcome, e.g. refused, config, adopted")
	fs.StringVar(&s.Reason, "reason", "", "only reasons starting with `PREFIX`, e.g. unknown-mac")
	fs.StringVar(&s.Actor, "actor", "", "only changes by an actor starting with `PREFIX`, e.g. web: or cli:alice")
	fs.DurationVar(&since, "since", 0, "only events newer than this, e.g. 1h (repeats: by the last)")
	fs.StringVar(&until, "until", "", "only events before `TIME` (RFC 3339, e.g. 2026-11-27T06:00:00Z; repeats: by the first)")
	fs.IntVar(&s.Limit, "limit", 100, "at most this many events (with --csv: 0 means the export's cap)")
	fs.IntVar(&s.Offset, "offset", 0, "skip this many (the next page)")
	fs.Int64Var(&s.Before, "before", 0, "only events after event `ID` in the order shown (the next page: pass its last ID)")
	fs.BoolVar(&csvOut, "csv", false, "print CSV (id,time,proto,ip,mac,outcome,reason,actor,file,ua,count,last)")
	if _, err := c.parse(fs, args, 0, 0, eventsUsage); err != nil {
		return err
	}
	if s.MAC != "" {
		if _, err := provisioning.ParseMAC(s.MAC); err != nil {
			return err
		}
	}
	if since > 0 {
		s.Since = time.Now().Add(-since)
	}
	if until != "" {
		t, err := time.Parse(time.RFC3339, until)
		if err != nil {
			return usagef("--until %q: want an RFC 3339 time like 2026-11-27T06:00:00Z", until)
		}
		s.Until = t
	}
	if s.Limit < 0 || s.Offset < 0 || s.Before < 0 {
		return usagef("--limit, --offset and --before must not be negative")
	}
	return c.withClient(func(cl *admin.Client) error {
		if csvOut {
			return printedCSV(c.stdout, func(w io.Writer) error { return cl.EventsCSV(ctx, s, w) })
		}
		es, err := cl.SearchEvents(ctx, s)
		if err != nil {
			return err
		}
		return c.show(es, func() error { return c.eventTable(es) })
	})
}

// hasRepeats reports whether a line of es stands for repeated requests.
func hasRepeats(es []admin.Event) bool {
	for _, e := range es {
		if e.Count > 1 {
			return true
		}
	}
	return false
}

func hasActor(es []admin.Event) bool {
	for _, e := range es {
		if e.Actor != "" {
			return true
		}
	}
	return false
}
