package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/journal"

	"github.com/provbox/provbox/provisioning"
)

// newLogger builds the daemon's logger: structured entries to the
// journal when stderr is connected to it (running under systemd), text on
// stderr otherwise. The returned LevelVar changes the level live (reload).
func newLogger(level string, stderr io.Writer) (*slog.Logger, *slog.LevelVar, error) {
	lv := &slog.LevelVar{}
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("log.level: %w", err)
	}
	text := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv})
	if stderr == os.Stderr {
		if ok, _ := journal.StderrIsJournalStream(); ok {
			return slog.New(newJournalHandler(lv, journal.Send, text)), lv, nil
		}
	}
	return slog.New(text), lv, nil
}

// journalHandler is a slog.Handler writing native journal entries: every
// attribute becomes a field (mac -> MAC, ip -> IP, vendor -> VENDOR, file
// -> FILE, reason -> REASON, ...), so `journalctl -u provbox
// MAC=80:5e:c0:11:22:33` finds a phone's story. MESSAGE keeps the
// attributes too, for people reading the plain log.
type journalHandler struct {
	level    slog.Leveler
	send     func(msg string, pri journal.Priority, vars map[string]string) error
	fallback slog.Handler // used when the journal refuses an entry
	fields   []field      // from WithAttrs, already prefixed
	prefix   string       // from WithGroup: "GROUP_"
}

type field struct{ key, value string }

func newJournalHandler(level slog.Leveler, send func(string, journal.Priority, map[string]string) error, fallback slog.Handler) *journalHandler {
	return &journalHandler{level: level, send: send, fallback: fallback}
}

func (h *journalHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	fs := append([]field(nil), h.fields...)
	r.Attrs(func(a slog.Attr) bool {
		fs = appendAttr(fs, h.prefix, a)
		return true
	})
	var msg strings.Builder
	msg.WriteString(r.Message)
	vars := map[string]string{"SYSLOG_IDENTIFIER": "provbox"}
	for _, f := range fs {
		fmt.Fprintf(&msg, " %s=%s", strings.ToLower(f.key), quoteIfNeeded(f.value))
		vars[f.key] = f.value
	}
	if err := h.send(msg.String(), priority(r.Level), vars); err != nil {
		return h.fallback.Handle(ctx, r)
	}
	return nil
}

func (h *journalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.fields = append([]field(nil), h.fields...)
	for _, a := range as {
		c.fields = appendAttr(c.fields, h.prefix, a)
	}
	c.fallback = h.fallback.WithAttrs(as)
	return &c
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix = h.prefix + fieldName(name) + "_"
	c.fallback = h.fallback.WithGroup(name)
	return &c
}

// appendAttr flattens a (groups become PREFIX_KEY) into journal fields.
func appendAttr(fs []field, prefix string, a slog.Attr) []field {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += fieldName(a.Key) + "_"
		}
		for _, ga := range v.Group() {
			fs = appendAttr(fs, p, ga)
		}
		return fs
	}
	if a.Key == "" {
		return fs
	}
	s := v.String()
	if v.Kind() == slog.KindTime {
		s = v.Time().Format(time.RFC3339Nano)
	}
	return append(fs, field{key: prefix + fieldName(a.Key), value: s})
}

// fieldName maps an attribute key to a valid journal field name:
// upper-case letters, digits and '_', not starting with '_' or a digit.
func fieldName(k string) string {
	b := []byte(strings.ToUpper(k))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	s := string(b)
	if s == "" || s[0] == '_' || s[0] >= '0' && s[0] <= '9' {
		s = "F" + s
	}
	return s
}

func priority(l slog.Level) journal.Priority {
	switch {
	case l >= slog.LevelError:
		return journal.PriErr
	case l >= slog.LevelWarn:
		return journal.PriWarning
	case l >= slog.LevelInfo:
		return journal.PriInfo
	}
	return journal.PriDebug
}

// quoteIfNeeded quotes a value of the MESSAGE line that would not read
// as one value, or that holds what a terminal acts on (CR, ESC, C1, bidi,
// broken UTF-8: values come from requesters, and `journalctl --all` or
// `-o cat` print MESSAGE as it is); %q escapes those.
func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \"=") || provisioning.Printable(s) != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}
