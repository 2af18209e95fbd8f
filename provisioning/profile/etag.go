package profile

import (
	"crypto/sha256"
	"encoding/base64"
)

// ETag is the strong HTTP validator of a served body: the first 12 bytes
// of its SHA-256 in unpadded URL-safe base64, quoted. It derives from the
// bytes, so a config that changes (new line, rekey) gets a new tag even
// within one second. The render cache computes it once per render; the
// HTTP server computes it for a body that comes without one.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	var b [2 + 16]byte // the quotes around 12 bytes in unpadded base64
	b[0], b[len(b)-1] = '"', '"'
	base64.RawURLEncoding.Encode(b[1:len(b)-1], sum[:12])
	return string(b[:])
}
