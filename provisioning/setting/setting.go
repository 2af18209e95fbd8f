// Package setting is the shape of a configuration mistake, shared by the
// packages that own a configuration section, so the file layer
// (cmd/provbox) can put the key's line in front of it.
package setting

import "fmt"

// Error is one mistake: the key it concerns, in indexed form as the file
// writes it (dhcp.subnet[0].range), and why.
type Error struct {
	Key string
	Msg string
}

func (e *Error) Error() string { return e.Key + ": " + e.Msg }

// Errorf builds an *Error for key.
func Errorf(key, format string, args ...any) error {
	return &Error{Key: key, Msg: fmt.Sprintf(format, args...)}
}
