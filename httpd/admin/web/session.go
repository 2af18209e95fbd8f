package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// sessionCookie names a logged-in browser's session.
const sessionCookie = "provbox_session"

// session is one logged-in browser. The cookie carries a random id; the
// table keeps only its SHA-256, so a memory dump or a timing probe of the
// map lookup does not hand out live sessions.
type session struct {
	created, used time.Time
}

// sessions is the bounded server-side session table: a session ends
// after idle without a request, after maxAge in any case, at logout, and
// when the password changes. Past max live sessions the least recently
// used one is dropped, so a flood of logins cannot grow memory.
type sessions struct {
	mu     sync.Mutex
	idle   time.Duration
	maxAge time.Duration
	max    int
	byID   map[[sha256.Size]byte]*session
}

func newSessions(idle, maxAge time.Duration, max int) *sessions {
	return &sessions{idle: idle, maxAge: maxAge, max: max, byID: map[[sha256.Size]byte]*session{}}
}

// start opens a session and returns its cookie value.
func (t *sessions) start(now time.Time) string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	id := hex.EncodeToString(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.byID) >= t.max {
		t.expire(now)
	}
	for len(t.byID) >= t.max {
		t.dropOldest()
	}
	t.byID[sha256.Sum256([]byte(id))] = &session{created: now, used: now}
	return id
}

// valid reports whether id is a live session at now and marks it used.
func (t *sessions) valid(id string, now time.Time) bool {
	if len(id) != 64 {
		return false
	}
	k := sha256.Sum256([]byte(id))
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.byID[k]
	if s == nil {
		return false
	}
	if t.dead(s, now) {
		delete(t.byID, k)
		return false
	}
	s.used = now
	return true
}

// end closes the session id (logout).
func (t *sessions) end(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byID, sha256.Sum256([]byte(id)))
}

// clear closes every session (the password changed).
func (t *sessions) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.byID)
}

// count is the number of sessions held, live or not yet swept.
func (t *sessions) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

func (t *sessions) dead(s *session, now time.Time) bool {
	return !now.Before(s.used.Add(t.idle)) || !now.Before(s.created.Add(t.maxAge))
}

func (t *sessions) expire(now time.Time) {
	for k, s := range t.byID {
		if t.dead(s, now) {
			delete(t.byID, k)
		}
	}
}

func (t *sessions) dropOldest() {
	var oldest [sha256.Size]byte
	var at time.Time
	for k, s := range t.byID {
		if at.IsZero() || s.used.Before(at) {
			oldest, at = k, s.used
		}
	}
	delete(t.byID, oldest)
}

// sessionID is the session cookie's value in r ("" when none).
func sessionID(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// cookie is the session cookie for id: HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it), Secure under TLS.
// It has no Max-Age: it ends with the browser, the server ends it
// sooner when idle. maxAge < 0 deletes it.
func sessionCookieFor(r *http.Request, id string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}
}
