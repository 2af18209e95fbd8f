package tftp

import (
	"io"
	"testing"

	pintftp "github.com/pin/tftp/v3"
)

// BenchmarkTransfer measures whole TFTP transfers on loopback: a 2 KB
// config at blksize 1428 (2 blocks plus OACK).
func BenchmarkTransfer(b *testing.B) {
	core := newFakeCore()
	core.files["001565aabbcc.cfg"] = payload(2048)
	r := start(b, newServer(b, Config{}, core))
	c, err := pintftp.NewClient(r.addr)
	if err != nil {
		b.Fatal(err)
	}
	c.SetBlockSize(1428)
	c.RequestTSize(true)
	b.SetBytes(2048)
	for b.Loop() {
		wt, err := c.Receive("001565aabbcc.cfg", "octet")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wt.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
