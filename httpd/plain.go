package httpd

import (
	"net/http"
	"strconv"
	"time"
)

// conditional lists the request headers that make http.ServeContent do
// more than send the body: preconditions and ranges.
var conditional = []string{"Range", "If-Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}

// acceptRangesBytes is shared by every answer; never written to.
var acceptRangesBytes = []string{"bytes"}

// writePlain answers a request without any of those headers, which is
// what a phone sends, with the response http.ServeContent gives it
// (same status, headers and body; TestPlainMatchesServeContent): the
// general path costs a profile's few percent per request, in parsing
// that finds nothing to do. ok is false when the request needs the
// general path.
func writePlain(w http.ResponseWriter, r *http.Request, modtime time.Time, body []byte) (ok bool) {
	for _, k := range conditional {
		if _, set := r.Header[k]; set {
			return false
		}
	}
	h := w.Header()
	// One backing array for this answer's two values; capped slices, so
	// an append cannot reach the neighbour.
	vals := make([]string, 2)
	if !modtime.IsZero() && !modtime.Equal(time.Unix(0, 0)) {
		vals[0] = modtime.UTC().Format(http.TimeFormat)
		h["Last-Modified"] = vals[0:1:1]
	}
	h["Accept-Ranges"] = acceptRangesBytes
	if h.Get("Content-Encoding") == "" {
		vals[1] = strconv.Itoa(len(body))
		h["Content-Length"] = vals[1:2:2]
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return true
}
