package dhcp

import "log/slog"

// event is what a decision logs, as its message.
type event string

const (
	evOffer    event = "offer sent"
	evNak      event = "nak sent"
	evAck      event = "lease acked"
	evDeclined event = "address declined"
	evReleased event = "lease released"
	evInform   event = "inform answered"
)

// level is the log level of e: what changes a client's address (an ACK, a
// NAK, a decline) is worth an info line; the steps around it are debug.
func (e event) level() slog.Level {
	switch e {
	case evAck, evNak, evDeclined:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
