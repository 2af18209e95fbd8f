package tftp

import (
	"strings"

	"github.com/provbox/provbox/provisioning"
)

// clientEnded reports whether err is pin/tftp's report of an ERROR
// packet the client sent while a file was being sent to it
// (sender.go: "sending block N: code=C, error: TEXT"). The library has
// no error type for it; TestClientErrorNotAWarning pins the wording.
// Anyone may send one after any read request, so it must not be a
// warning: the text and the rate are the sender's.
func clientEnded(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "sending block ") && strings.Contains(s, ": code=")
}

// maxClientText bounds what of a client's ERROR text is logged.
const maxClientText = 96

// clientText is err's text cut to maxClientText bytes and escaped: it
// holds up to a datagram of whatever the client chose.
func clientText(err error) string {
	s := strings.TrimRight(err.Error(), "\x00")
	if len(s) > maxClientText {
		s = s[:maxClientText] + "…"
	}
	return provisioning.Printable(s)
}
