package ops

import (
	"errors"
	"strconv"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

// FieldError is an error about one input field (a form's field name:
// sip_server, sip_port, sip_transport, ntp_server, timezone, language),
// so a form can show it next to that field. It reads and unwraps as the
// error it carries: the HTTP status and the message stay the same.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// FieldOf is the field err is about; "" when it is about the whole input.
func FieldOf(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

// ParsePort reads a SIP port as typed: "" is 0, the transport's default.
func ParsePort(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return 0, &FieldError{"sip_port", Badf("SIP port %q: want a number from 1 to 65535, or nothing for the transport's default", s)}
	}
	return n, nil
}

// accountFields are the words the core's account validation names a
// field with, and the field (TestAccountFieldErrors pins them to the
// core's messages).
var accountFields = []struct{ words, field string }{
	{"SIP transport", "sip_transport"}, {"SIP port", "sip_port"}, {"SIP server", "sip_server"},
	{"NTP server", "ntp_server"}, {"time zone", "timezone"}, {"language", "language"}, {"account name", "name"},
}

// accountField marks the core's refusal of account name's settings with
// the field it names. A refusal from a device's vendor limits ("device
// …: …") is about the combination, not one field, and stays unmarked.
func accountField(name string, err error) error {
	if err == nil || !errors.Is(err, provisioning.ErrInvalid) {
		return err
	}
	msg := strings.Replace(err.Error(), strconv.Quote(name), "", 1) // the name may contain the words
	if strings.Contains(msg, ": device ") {
		return err
	}
	for _, f := range accountFields {
		if strings.Contains(msg, f.words) {
			return &FieldError{f.field, err}
		}
	}
	return err
}
