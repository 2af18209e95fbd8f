package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"unicode"

	"github.com/coreos/go-systemd/v22/journal"
)

// TestJournalMessageQuotesControls: the journal entry's MESSAGE carries
// every field as key=value, quoted only when the value has a blank, a
// quote or '='. A value from a requester with none of them but a CR, an
// ESC sequence or a C1 CSI (the HTTP debug line's file, unescaped from
// the request path: /x%0d%1b[2J) went in raw, so `journalctl -o cat`
// (which prints MESSAGE as it is) let the sender rewrite the admin's
// screen or start a fake line. Such a value is quoted, its controls
// escaped.
func TestJournalMessageQuotesControls(t *testing.T) {
	var msgs []string
	send := func(msg string, _ journal.Priority, _ map[string]string) error {
		msgs = append(msgs, msg)
		return nil
	}
	log := slog.New(newJournalHandler(&slog.LevelVar{}, send, slog.NewTextHandler(&bytes.Buffer{}, nil)))
	values := []string{"x\rfake", "\x1b[2J\x1b[1A", "\u009b2J", "\u009d8;;http://evil\u009c", "\u202egfc.cfg", "a\x00b", "\x9b"}
	for _, v := range values {
		log.Warn("request", "file", v)
	}
	for i, m := range msgs {
		for _, r := range m {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Errorf("MESSAGE for %q holds %U raw: %q", values[i], r, m)
				break
			}
		}
		if !strings.HasPrefix(m, `request file="`) {
			t.Errorf("MESSAGE for %q is not quoted: %q", values[i], m)
		}
	}
}
