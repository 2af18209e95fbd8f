// Package setting is what the packages that own a section of
// provbox.toml share: the shape of a configuration mistake (so the file
// layer, cmd/provbox, can put the key's line in front of it), the helpers
// that apply defaults, and the value types that parse themselves from the
// file (types.go: listen addresses, and bounds and timeouts that 0 in the
// file switches off).
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

// Or gives *p the default v when it is the zero value.
func Or[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// OrPositive gives *p the default v unless it is above zero.
func OrPositive[T ~int | ~int64 | ~float64](p *T, v T) {
	if *p <= 0 {
		*p = v
	}
}

// Share is a bound's share reserved for some: zero means the default
// share (a quarter of total), negative means none.
func Share[T ~int](p *T, total int) {
	switch {
	case *p == 0:
		*p = T(total / 4)
	case *p < 0:
		*p = 0
	}
}

// OrBound gives a Limit used as a bound the default v when it is zero,
// and a bound nothing reaches when it is off.
func OrBound(p *Limit, v int) {
	switch {
	case *p == 0:
		*p = Limit(v)
	case p.IsOff():
		*p = Limit(Off.Bound())
	}
}
