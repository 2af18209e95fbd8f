package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/coreos/go-systemd/v22/journal"
)

type journalEntry struct {
	msg  string
	pri  journal.Priority
	vars map[string]string
}

func TestJournalHandlerFields(t *testing.T) {
	var got []journalEntry
	send := func(msg string, pri journal.Priority, vars map[string]string) error {
		got = append(got, journalEntry{msg, pri, vars})
		return nil
	}
	var fallback bytes.Buffer
	lv := &slog.LevelVar{}
	log := slog.New(newJournalHandler(lv, send, slog.NewTextHandler(&fallback, nil)))
	log = log.With("component", "httpd")
	log.Warn("fetch refused", "mac", "80:5e:c0:11:22:33", "ip", "10.20.0.101", "vendor", "yealink",
		"file", "805ec0112233.cfg", "reason", "bad hash", "x-odd.key", 1, slog.Group("req", "ua", "Yealink SIP-T54W"))
	log.Debug("not shown at info")
	lv.Set(slog.LevelDebug)
	log.WithGroup("dhcp").Error("commit failed", "err", errors.New("disk full"), "2nd", true)

	if len(got) != 2 {
		t.Fatalf("%d entries, want 2 (debug filtered): %+v", len(got), got)
	}
	want := map[string]string{"SYSLOG_IDENTIFIER": "provbox", "COMPONENT": "httpd", "MAC": "80:5e:c0:11:22:33",
		"IP": "10.20.0.101", "VENDOR": "yealink", "FILE": "805ec0112233.cfg", "REASON": "bad hash",
		"X_ODD_KEY": "1", "REQ_UA": "Yealink SIP-T54W"}
	for k, v := range want {
		if got[0].vars[k] != v {
			t.Errorf("field %s = %q, want %q (all: %v)", k, got[0].vars[k], v, got[0].vars)
		}
	}
	if got[0].pri != journal.PriWarning || !strings.HasPrefix(got[0].msg, "fetch refused component=httpd mac=80:5e:c0:11:22:33") ||
		!strings.Contains(got[0].msg, `reason="bad hash"`) {
		t.Errorf("entry 0: %q priority %d", got[0].msg, got[0].pri)
	}
	if got[1].pri != journal.PriErr || got[1].vars["DHCP_ERR"] != "disk full" || got[1].vars["DHCP_F2ND"] != "true" || got[1].vars["COMPONENT"] != "httpd" {
		t.Errorf("entry 1: %+v", got[1])
	}
	if fallback.Len() != 0 {
		t.Errorf("fallback used: %s", fallback.String())
	}
}

// TestJournalHandlerFallback: an entry the journal refuses goes to stderr.
func TestJournalHandlerFallback(t *testing.T) {
	var fallback bytes.Buffer
	h := newJournalHandler(slog.LevelInfo, func(string, journal.Priority, map[string]string) error {
		return errors.New("no journal")
	}, slog.NewTextHandler(&fallback, nil))
	slog.New(h).With("component", "tftp").Info("file served", "mac", "00:15:65:aa:bb:cc")
	if s := fallback.String(); !strings.Contains(s, `msg="file served" component=tftp mac=00:15:65:aa:bb:cc`) {
		t.Errorf("fallback got %q", s)
	}
}

func TestFieldName(t *testing.T) {
	for in, want := range map[string]string{"mac": "MAC", "msg_type": "MSG_TYPE", "a-b.c": "A_B_C", "_x": "F_X", "9z": "F9Z", "": "F"} {
		if got := fieldName(in); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoggerOutsideJournal: a writer that is not the journal gets text.
func TestLoggerOutsideJournal(t *testing.T) {
	var b bytes.Buffer
	log, lv, err := newLogger("warn", &b)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown", "mac", "x")
	lv.Set(slog.LevelInfo)
	log.InfoContext(context.Background(), "now shown")
	if s := b.String(); strings.Contains(s, "hidden") || !strings.Contains(s, "msg=shown mac=x") || !strings.Contains(s, "now shown") {
		t.Errorf("text log %q", s)
	}
	if _, _, err := newLogger("loud", &b); err == nil {
		t.Error("bad level accepted")
	}
}
