package tftp

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning"
)

var localhost = netip.MustParseAddr("127.0.0.1")

func TestReceive(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run("single-port="+strconv.FormatBool(single), func(t *testing.T) {
			core := newFakeCore()
			data := payload(100_000) // many blocks, not a multiple of 1428
			core.files["/spa504G.cfg"] = data
			core.files["SEP001122334455.cnf.xml"] = []byte("<device/>")
			r := start(t, newServer(t, Config{SinglePort: single}, core))
			for _, name := range []string{"/spa504G.cfg", "SEP001122334455.cnf.xml"} {
				c, err := pintftp.NewClient(r.addr)
				if err != nil {
					t.Fatal(err)
				}
				c.SetBlockSize(1428)
				c.RequestTSize(true)
				wt, err := c.Receive(name, "octet")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if n, ok := wt.(pintftp.IncomingTransfer).Size(); !ok || n != int64(len(core.files[name])) {
					t.Errorf("%s: tsize %d (%v), want %d", name, n, ok, len(core.files[name]))
				}
				var got bytes.Buffer
				if _, err := wt.WriteTo(&got); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(got.Bytes(), core.files[name]) {
					t.Errorf("%s: got %d bytes, want %d", name, got.Len(), len(core.files[name]))
				}
			}
			want := []provisioning.FetchRequest{
				{Proto: "tftp", Path: "/spa504G.cfg", RemoteIP: localhost},
				{Proto: "tftp", Path: "SEP001122334455.cnf.xml", RemoteIP: localhost},
			}
			if got := core.requests(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("core got %+v, want %+v", got, want)
			}
		})
	}
}

// TestOptionNegotiation reads the OACK itself: blksize 1428 is granted and
// tsize carries the real size.
func TestOptionNegotiation(t *testing.T) {
	core := newFakeCore()
	core.files["001565aabbcc.cfg"] = payload(3000)
	r := start(t, newServer(t, Config{}, core))
	c := dialRaw(t)
	c.send(r.addr, request(1, "001565aabbcc.cfg", "octet", "blksize", "1428", "tsize", "0"))
	opts := parseOACK(t, c.recv())
	if opts["blksize"] != "1428" || opts["tsize"] != "3000" {
		t.Fatalf("OACK %v, want blksize 1428 tsize 3000", opts)
	}
	c.ack(0)
	var got []byte
	for block := uint16(1); ; block++ {
		p := c.recv()
		if binary.BigEndian.Uint16(p) != 3 || binary.BigEndian.Uint16(p[2:]) != block {
			t.Fatalf("block %d: unexpected packet %q", block, p[:4])
		}
		got = append(got, p[4:]...)
		c.ack(block)
		if len(p)-4 < 1428 {
			break
		}
	}
	if !bytes.Equal(got, core.files["001565aabbcc.cfg"]) {
		t.Errorf("got %d bytes, want 3000", len(got))
	}
}

func TestMaxBlockSize(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg"] = payload(5000)
	r := start(t, newServer(t, Config{MaxBlockSize: 1024}, core))
	c := dialRaw(t)
	c.send(r.addr, request(1, "a.cfg", "octet", "blksize", "8192"))
	if opts := parseOACK(t, c.recv()); opts["blksize"] != "1024" {
		t.Fatalf("OACK %v, want blksize capped at 1024", opts)
	}
	c.abort()
}

// TestRefusals: every refusal, whatever its cause, is ERROR 1 "file not
// found", byte for byte.
func TestRefusals(t *testing.T) {
	core := newFakeCore()
	core.files["ok.cfg"] = []byte("ok")
	// The fake would serve these; the server must refuse them anyway.
	core.files["../etc/passwd"] = []byte("root")
	core.files["/a/../../etc/passwd"] = []byte("root")
	core.files[`..\boot.ini`] = []byte("x")
	r := start(t, newServer(t, Config{}, core))
	want := []byte("\x00\x05\x00\x01file not found\x00")
	refused := func(name string, pkt []byte) {
		t.Helper()
		c := dialRaw(t)
		c.send(r.addr, pkt)
		if got := c.recv(); !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"missing.cfg", "../etc/passwd", "/a/../../etc/passwd", `..\boot.ini`, "ctl\x01.cfg"} {
		refused(name, request(1, name, "octet"))
	}
	refused("write request", request(2, "001565aabbcc-local.cfg", "octet"))
	core.set(func(f *fakeCore) { f.banned[localhost] = true })
	refused("banned", request(1, "ok.cfg", "octet"))
	core.set(func(f *fakeCore) { f.banned[localhost] = false })

	// Bad names still reach the core (for the audit trail and a strike);
	// writes and banned requests do not.
	var paths []string
	for _, q := range core.requests() {
		paths = append(paths, q.Path)
	}
	if got := strings.Join(paths, "|"); got != `missing.cfg|../etc/passwd|/a/../../etc/passwd|..\boot.ini|ctl`+"\x01"+`.cfg` {
		t.Errorf("core saw %q", got)
	}
}

// TestNULName drives the handler directly: a NUL cannot cross the wire in
// a file name (it ends the field), but the handler must not trust that.
func TestNULName(t *testing.T) {
	core := newFakeCore()
	core.files["a.cfg\x00.jpg"] = []byte("x")
	s := newServer(t, Config{}, core)
	rf := &fakeTransfer{}
	if err := s.read(t.Context(), "a.cfg\x00.jpg", rf); err == nil || err.Error() != "file not found" {
		t.Fatalf("read = %v, want file not found", err)
	}
	if rf.read {
		t.Error("data was sent for a name with a NUL")
	}
}

func TestSaneName(t *testing.T) {
	for name, want := range map[string]bool{
		"001565aabbcc.cfg": true, "/spa504G.cfg": true, "a/b/c.cfg": true, "..cfg": true, "a..b": true,
		"": false, "/": false, "..": false, "/../x": false, "a/../b": false, "a/..": false,
		`a\b`: false, "a\x00b": false, "a\nb": false, "a\x7fb": false,
	} {
		if got := saneName(name); got != want {
			t.Errorf("saneName(%q) = %v, want %v", name, got, want)
		}
	}
}

// fakeTransfer is an io.ReaderFrom that is also an OutgoingTransfer.
type fakeTransfer struct {
	read bool
	size int64
	buf  bytes.Buffer
}

func (f *fakeTransfer) ReadFrom(r io.Reader) (int64, error) { f.read = true; return f.buf.ReadFrom(r) }
func (f *fakeTransfer) SetSize(n int64)                     { f.size = n }
func (f *fakeTransfer) RemoteAddr() (a net.UDPAddr)         { a.IP = localhost.AsSlice(); return a }

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{MaxBlockSize: 512}, "tftp.max_blksize: must be 513-65464"},
		{Config{MaxBlockSize: 70000}, "got 70000"},
		{Config{Timeout: -time.Second}, "tftp.timeout: must be a positive duration like \"30s\" or \"12h\", got -1s"},
		{Config{Retries: -1}, "tftp.retries: must be at least 1, got -1"},
		{Config{MaxTransfers: 8, ReservedForDevices: 9}, "tftp.reserved_for_devices: 9 exceeds tftp.max_transfers 8"},
		{Config{TransferTimeout: -time.Second}, "TransferTimeout"},
	} {
		if _, err := New(c.cfg, newFakeCore(), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want error containing %q", c.cfg, err, c.want)
		}
	}
	if _, err := New(Config{}, nil, nil); err == nil {
		t.Error("New with nil core succeeded")
	}
}
