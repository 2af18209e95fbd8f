package tftp

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning"
)

// hook logs every transfer's end. File names are redacted; no body or
// secret is ever at hand here.
type hook struct {
	log  *slog.Logger
	obs  Observer
	conn *pktConn // single-port mode: told of each transfer's end; else nil
}

func (h hook) OnSuccess(st pintftp.TransferStats) {
	h.conn.transferEnded(st)
	h.obs.Transfer("ok", st.Duration)
	if !h.log.Enabled(context.Background(), slog.LevelInfo) {
		return // spare the arguments: a string, a redaction and boxing per transfer
	}
	h.log.Info("transfer done", "ip", st.RemoteAddr.String(), "file", provisioning.RedactPath(st.Filename, false),
		"mode", modeWord(st.Mode), "blksize", st.Opts["blksize"], "tsize", st.Opts["tsize"],
		"datagrams", st.DatagramsSent, "duration", st.Duration)
}

func (h hook) OnFailure(st pintftp.TransferStats, err error) {
	if st.RemoteAddr == nil {
		// The listening loop reports packets it could not use (no
		// transfer was started): scanners and junk, debug only. It does
		// so right after reading the packet: a read request among them
		// is forgotten by the connection.
		h.conn.forgetFailed()
		h.log.Debug("bad packet", "err", err)
		return
	}
	h.conn.transferEnded(st)
	h.obs.Transfer(outcomeOf(err), st.Duration)
	if !h.log.Enabled(context.Background(), slog.LevelDebug) && (isRefusal(err) || clientEnded(err)) {
		return // logged at debug only, below: spare building the logger
	}
	log := h.log.With("ip", st.RemoteAddr.String(), "file", provisioning.RedactPath(st.Filename, false))
	var r *refusal
	switch {
	case errors.As(err, &r) && (r == errTimedOut || r == errStopping):
		log.Warn("transfer aborted", "reason", r.reason, "duration", st.Duration)
	case errors.As(err, &r):
		// The core has logged and audited the decision itself.
		log.Debug("transfer refused", "reason", r.reason)
	case clientEnded(err):
		// The client's choice (a tsize query, a user's abort), not a
		// failure; its text is the client's own, so it is kept short.
		log.Debug("transfer ended by the client", "err", clientText(err), "duration", st.Duration)
	default:
		log.Warn("transfer failed", "err", err, "duration", st.Duration)
	}
}

// modeWord is a request's mode as the log names it: one of RFC 1350's
// words, else "other". The mode is the client's string (pin/tftp serves
// any as octet), so logged whole it was up to a datagram of the sender's
// text on every transfer line.
func modeWord(m string) string {
	switch m = strings.ToLower(m); m {
	case "octet", "netascii", "mail":
		return m
	}
	return "other"
}

// isRefusal reports whether err is a refusal OnFailure logs at debug
// level only (every refusal but a timeout or a stop).
func isRefusal(err error) bool {
	var r *refusal
	return errors.As(err, &r) && r != errTimedOut && r != errStopping
}
