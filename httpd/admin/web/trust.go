package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// trustCookie marks a browser that has logged in successfully before
// (a "device cookie", OWASP Authentication Cheat Sheet): its tries count
// against its own budget, so a local guesser who shares its source (the
// SSH tunnel makes every admin 127.0.0.1) and slows down everyone else
// cannot slow it down. The value is a random id and its MAC under a key
// of this process; a restart forgets every cookie, which then counts as
// none.
const trustCookie = "provbox_trusted"

type trust struct{ key []byte }

func newTrust() (*trust, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return &trust{key: k}, nil
}

func (t *trust) mac(id string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// issue returns a new cookie for a browser that just logged in.
func (t *trust) issue() *http.Cookie {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	return &http.Cookie{Name: trustCookie, Value: id + "." + t.mac(id), Path: "/", MaxAge: 90 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode}
}

// id returns the browser's id if r carries a cookie this process issued.
func (t *trust) id(r *http.Request) (string, bool) {
	c, err := r.Cookie(trustCookie)
	if err != nil {
		return "", false
	}
	id, sum, ok := strings.Cut(c.Value, ".")
	if !ok || len(id) != 32 || !hmac.Equal([]byte(sum), []byte(t.mac(id))) {
		return "", false
	}
	return id, true
}
