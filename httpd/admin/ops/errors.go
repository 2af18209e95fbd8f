package ops

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/provbox/provbox/provisioning"
)

// ErrBadInput marks input the admin layer refuses itself (a malformed
// MAC, address, duration or number); the message says what.
var ErrBadInput = errors.New("bad input")

type badInput struct{ msg string }

func (e *badInput) Error() string   { return e.msg }
func (e *badInput) Is(t error) bool { return t == ErrBadInput }

// Badf is an ErrBadInput with its message formatted.
func Badf(format string, args ...any) error { return &badInput{fmt.Sprintf(format, args...)} }

// ErrUnavailable marks an operation this core cannot do (a test fake
// without a ban engine or rekey without grace).
var ErrUnavailable = errors.New("not available from this core")

var (
	errNoBans  = fmt.Errorf("bans are %w", ErrUnavailable)
	errNoGrace = unavailable("this server cannot rekey without grace")
)

type unavailableErr struct{ msg string }

func (e unavailableErr) Error() string   { return e.msg }
func (e unavailableErr) Is(t error) bool { return t == ErrUnavailable }

func unavailable(msg string) error { return unavailableErr{msg} }

// Status is the HTTP status for err: bad input 400, unknown 404,
// duplicate 409, unavailable 501. ok is false for anything else (500):
// that is our fault and the caller logs it.
func Status(err error) (code int, ok bool) {
	switch {
	case errors.Is(err, ErrBadInput), errors.Is(err, provisioning.ErrInvalid), errors.Is(err, provisioning.ErrNotBannable):
		return http.StatusBadRequest, true
	case errors.Is(err, provisioning.ErrNotFound):
		return http.StatusNotFound, true
	case errors.Is(err, provisioning.ErrExists):
		return http.StatusConflict, true
	case errors.Is(err, ErrUnavailable):
		return http.StatusNotImplemented, true
	}
	return http.StatusInternalServerError, false
}
