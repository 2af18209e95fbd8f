package tftp

import (
	"encoding/binary"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/provtest"
)

// TestClientErrorNotAWarning: anyone on the LAN may read a vendor's
// common file, answer its first DATA with an ERROR packet carrying 500
// bytes of its own text, and do it again: a client ending its transfer
// (as RFC 2347 clients do after asking tsize) was a WARN "transfer
// failed" line quoting the whole message, one per transfer: the attacker
// wrote what it liked into the journal at the rate it liked, and past
// journald's rate limit provbox's own lines (its refusals and bans of
// that attacker) were dropped. A client's ERROR is logged at debug, its
// text bounded.
func TestClientErrorNotAWarning(t *testing.T) {
	const rounds = 20
	log := clientAborts(t, slog.LevelInfo, rounds)
	if n := strings.Count(log, "level=WARN"); n > 0 {
		t.Errorf("%d WARN lines for %d client aborts:\n%.2000s", n, rounds, log)
	}
	if strings.Contains(log, strings.Repeat("A", 100)) {
		t.Errorf("the client's text is in the log at info level:\n%.2000s", log)
	}
	// At debug level each shows, bounded and escaped.
	log = clientAborts(t, slog.LevelDebug, 2)
	if n := strings.Count(log, `msg="transfer ended by the client"`); n != 2 {
		t.Errorf("%d debug lines for 2 client aborts:\n%s", n, log)
	}
	if strings.Contains(log, strings.Repeat("A", 100)) || strings.Contains(log, "WARN") {
		t.Errorf("the client's text is not bounded:\n%s", log)
	}
}

// clientAborts has a raw client read a common file rounds times, each
// time answering the first DATA with an ERROR of its own long text, and
// returns the server's log at level.
func clientAborts(t *testing.T, level slog.Level, rounds int) string {
	var buf provtest.LogBuffer
	core := newFakeCore()
	core.files["y000000000000.cfg"] = []byte("#!version:1.0.0.1\n")
	s, err := New(Config{}, core, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})))
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, s)
	text := "fake\nlevel=ERROR msg=\"database wiped\" \x1b[2J" + strings.Repeat("A", 440)
	for range rounds {
		c := dialRaw(t)
		c.send(r.addr, request(1, "y000000000000.cfg", "octet"))
		if p := c.recv(); binary.BigEndian.Uint16(p) != 3 {
			t.Fatalf("want DATA, got %q", p)
		}
		pkt := append(append([]byte{0, 5, 0, 0}, text...), 0)
		if _, err := c.conn.WriteToUDP(pkt, c.peer); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.stop(t, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
