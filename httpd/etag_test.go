package httpd

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"
)

// TestETagForm: the tag is the first 12 bytes of the body's SHA-256 in
// unpadded URL-safe base64, quoted, as phones and caches have seen it.
func TestETagForm(t *testing.T) {
	for _, body := range []string{"", "x", "#!version:1.0.0.1\naccount.1.enable = 1\n"} {
		sum := sha256.Sum256([]byte(body))
		want := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		if got := etag([]byte(body)); got != want {
			t.Errorf("etag(%q) = %s, want %s", body, got, want)
		}
	}
}
