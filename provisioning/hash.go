package provisioning

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// hashBytes is the entropy of a Hash: 144 bits, so the URL-safe base64
// form is exactly HashLen characters with no padding.
const hashBytes = 18

// HashLen is the length of every Hash's text form.
const HashLen = hashBytes * 4 / 3

// Hash is a random, URL-safe secret naming an account or a device in the
// secret URL. It is never derived from the MAC.
type Hash string

// NewHash draws a fresh Hash from crypto/rand.
func NewHash() (Hash, error) {
	b := make([]byte, hashBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("drawing random hash: %w", err)
	}
	return Hash(base64.RawURLEncoding.EncodeToString(b)), nil
}

// Equal compares h with a candidate from the network in constant time.
func (h Hash) Equal(candidate string) bool {
	return len(h) == HashLen && subtle.ConstantTimeCompare([]byte(h), []byte(candidate)) == 1
}

// Short is what logs may show: enough to tell hashes apart, too little to use.
func (h Hash) Short() string {
	if len(h) < 4 {
		return "…"
	}
	return string(h[:4]) + "…"
}

// ValidHashText reports whether s has the shape of a Hash (length and
// alphabet), without saying whether any such hash exists.
func ValidHashText(s string) bool {
	if len(s) != HashLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHashChar(s[i]) {
			return false
		}
	}
	return true
}

// isHashChar reports whether c is in the URL-safe base64 alphabet.
func isHashChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
