package main

import (
	"encoding/csv"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/provbox/provbox/provisioning"
)

// TestCLIEventsTableShowsNoTerminalControls: an audit trail written by
// an older provbox holds what attackers sent as they sent it: a file name
// with CSI (ESC [ and the one-byte U+009B) to clear the screen and move
// the cursor up over earlier lines, an OSC 8 hyperlink, a bidi override,
// a tab that shifts the columns. `provbox events` prints them escaped, so
// the admin's terminal shows text and acts on none of it.
// seedHostileEvents writes, as an older provbox would have, refused
// requests whose file and User-Agent carry terminal controls, starts the
// daemon over them and returns its config and the file names.
func seedHostileEvents(t *testing.T) (string, []string) {
	t.Helper()
	now := time.Now()
	files := []string{"\x1b[2J\x1b[1Ay000000000000.cfg", "\u009b2J\u009b1Ax.cfg",
		"\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07.cfg", "\u202egfc.000000000000", "a\tb.cfg", "ok\rfake line.cfg"}
	var es []provisioning.Event
	for i, f := range files {
		es = append(es, provisioning.Event{Time: now.Add(-time.Duration(i+1) * time.Minute), Proto: "http",
			IP: netip.MustParseAddr("192.0.2.66"), Outcome: "refused", Reason: "unknown-file", File: f,
			UA: "Yealink \x1b[31m\u009b1A"})
	}
	return daemonWithEvents(t, es), files
}

// TestCLIEventsCSVShowsNoTerminalControls: `provbox events --csv` goes
// to the terminal as often as to a file; its cells (User-Agent, file)
// are escaped like the table's, the CSV still one record per line.
func TestCLIEventsCSVShowsNoTerminalControls(t *testing.T) {
	cfgPath, files := seedHostileEvents(t)
	out := mustCLI(t, cfgPath, "events", "--csv")
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		for _, r := range line {
			if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
				t.Errorf("line %d of provbox events --csv holds %U: %q", i, r, line)
				break
			}
		}
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != len(files)+1 {
		t.Fatalf("%d records, %v; want a header and %d:\n%s", len(recs), err, len(files), out)
	}
	if !strings.Contains(out, `Yealink \u001b[31m\u009b1A`) {
		t.Errorf("the User-Agent is not shown escaped:\n%s", out)
	}
}

func TestCLIEventsTableShowsNoTerminalControls(t *testing.T) {
	cfgPath, files := seedHostileEvents(t)
	out := mustCLI(t, cfgPath, "events")
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		for _, r := range line {
			if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
				t.Errorf("line %d of provbox events holds %U, which the terminal acts on: %q", i, r, line)
				break
			}
		}
	}
	if !strings.Contains(out, `\u001b[2J`) || !strings.Contains(out, `\u009b2J`) {
		t.Errorf("the refused file names are not shown escaped:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != len(files)+1 {
		t.Errorf("%d lines, want a header and %d events (no line broken or overwritten):\n%s", n, len(files), out)
	}
}
