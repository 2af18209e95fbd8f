package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A rekey's body is optional and strict; asking for no grace from a core
// that cannot do it is 501, not a rekey with grace.
func TestRekeyInput(t *testing.T) {
	h := New(fakeCore{}, "test", nil)
	cases := []struct {
		path, body, want string
		code             int
	}{
		{"/v1/devices/805ec0112233/rekey", "", `"old_urls": []`, 200},
		{"/v1/devices/805ec0112233/rekey", `{}`, `"old_urls": []`, 200},
		{"/v1/devices/805ec0112233/rekey", `{"no_grace":true}`, "cannot rekey without grace", 501},
		{"/v1/accounts/office/rekey", `{"no_grace":true}`, "cannot rekey without grace", 501},
		{"/v1/devices/805ec0112233/rekey", `{"no_grace":"yes"}`, "no_grace", 400},
		{"/v1/accounts/office/rekey", `{"grace":"0s"}`, `unknown field \"grace\"`, 400},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body)))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("POST %s %s: %d %s, want %d %q", tc.path, tc.body, rec.Code, rec.Body, tc.code, tc.want)
		}
	}
}
