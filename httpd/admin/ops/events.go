package ops

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// EventSearch are the events page's and `provbox events`' filters and
// paging, as text; "" means any.
type EventSearch struct {
	IP      string // the requester
	Outcome string // exactly: refused, config, redirect, device-added, ...
	Reason  string // a prefix: unknown-mac, locked, ...
	Actor   string // a prefix of who made an admin change: web:, cli:alice, ...
	Until   string // RFC 3339: only events before it (a line of repeats: its first request)
	Before  string // an event ID: the events after it in the order shown, time then ID (the next page)
	Offset  string // skip this many
}

// MaxEvents bounds one answer of the audit trail (a page or a CSV
// export): a larger Limit is cut to it.
const MaxEvents = 100_000

func (q EventSearch) filter(f provisioning.EventFilter) (provisioning.EventFilter, error) {
	var err error
	if q.IP != "" {
		if f.IP, err = ParseIP(q.IP); err != nil {
			return f, err
		}
	}
	f.Outcome, f.Reason, f.Actor = q.Outcome, q.Reason, q.Actor
	if q.Until != "" {
		if f.Until, err = parseTime("until", q.Until); err != nil {
			return f, err
		}
	}
	if q.Before != "" {
		if f.BeforeID, err = strconv.ParseInt(q.Before, 10, 64); err != nil || f.BeforeID <= 0 {
			return f, Badf("before %q: want an event ID", q.Before)
		}
	}
	if q.Offset != "" {
		if f.Offset, err = strconv.Atoi(q.Offset); err != nil || f.Offset < 0 {
			return f, Badf("offset %q: want a number", q.Offset)
		}
	}
	f.Limit = min(f.Limit, MaxEvents)
	return f, nil
}

// EventsCSV writes the events q selects as CSV with a header line,
// newest first; without a limit, MaxEvents at most.
func (o *Ops) EventsCSV(ctx context.Context, w io.Writer, q EventQuery) error {
	if q.Limit == "" {
		q.Limit = strconv.Itoa(MaxEvents)
	}
	es, err := o.Events(ctx, q)
	if err != nil {
		return err
	}
	return WriteEventsCSV(w, es)
}

// EventsCSVHeader is the CSV export's header line.
// count is the requests a line stands for (1, or more for folded
// repeats), last the time of the last of them (empty for one).
var EventsCSVHeader = []string{"id", "time", "proto", "ip", "mac", "outcome", "reason", "actor", "file", "ua", "count", "last"}

// WriteEventsCSV writes es as CSV, each cell through SafeCSVCell: the
// User-Agent and file come from whoever asked.
func WriteEventsCSV(w io.Writer, es []provisioning.Event) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(EventsCSVHeader); err != nil {
		return err
	}
	for _, e := range es {
		ip, mac := "", ""
		if e.IP.IsValid() {
			ip = e.IP.String()
		}
		if !e.MAC.IsZero() {
			mac = e.MAC.String()
		}
		last := ""
		if !e.Last.IsZero() {
			last = e.Last.UTC().Format(time.RFC3339Nano)
		}
		row := []string{strconv.FormatInt(e.ID, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Proto, ip, mac,
			e.Outcome, e.Reason, e.Actor, e.File, e.UA, strconv.Itoa(e.Times()), last}
		for i := range row {
			row[i] = SafeCSVCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
