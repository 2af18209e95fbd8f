package main

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// The types below parse themselves, so toml reports a bad value with the
// line and column of the key.

// oui is a vendor's MAC prefix, 6 hex digits ("805ec0" or "80:5e:c0").
type oui [3]byte

func (o *oui) UnmarshalText(b []byte) error {
	s := string(b)
	digits := strings.NewReplacer(":", "", "-", "", ".", "").Replace(s)
	v, err := hex.DecodeString(digits)
	if err != nil || len(v) != 3 {
		return fmt.Errorf("OUI %q: want 6 hex digits, e.g. \"805ec0\"", s)
	}
	copy(o[:], v)
	return nil
}

func (o oui) String() string { return hex.EncodeToString(o[:]) }
