package tftp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"

	pintftp "github.com/pin/tftp/v3"

	"github.com/provbox/provbox/provisioning"
)

// Core is what the server consumes from the provisioning core;
// *provisioning.Service satisfies it.
type Core interface {
	// Fetch decides a file request: it runs every check, writes the audit
	// trail and reports strikes. A refusal comes back as Found == false.
	Fetch(ctx context.Context, r provisioning.FetchRequest) provisioning.FetchReply
	// Banned is cheap and is asked before anything else.
	Banned(ip netip.Addr) bool
	// KnownAddress reports whether ip is bound to a known device; it is
	// asked only when the strangers' share of transfer slots is full.
	KnownAddress(ip netip.Addr) bool
}

// clientError is the only error text a client ever sees from us:
// pin/tftp sends a handler's err.Error() verbatim in the ERROR packet.
const clientError = "file not found"

// refusal is a handler error: the client sees clientError, our log sees
// the reason.
type refusal struct{ reason string }

func (r *refusal) Error() string { return clientError }

var (
	errBanned   = &refusal{"banned"}
	errBadName  = &refusal{"bad-path"}
	errNotFound = &refusal{"not-found"}
	errTimedOut = &refusal{"transfer-timeout"}
	errStopping = &refusal{"shutdown"}
	errWrite    = &refusal{"write-request"}
	errBusy     = &refusal{"too-many-transfers"}
)

// refuseWrite is the write-request handler: provbox never accepts files
// over TFTP, and says so in the same words as every other refusal. The
// core is not involved, so a phone trying to upload is never a strike.
func refuseWrite(string, io.WriterTo) error { return errWrite }

// read is the read-request handler. stop is cancelled when the server
// stops; it also bounds every transfer with TransferTimeout.
func (s *Server) read(stop context.Context, filename string, rf io.ReaderFrom) error {
	ot, ok := rf.(pintftp.OutgoingTransfer)
	if !ok {
		return errNotFound // pin/tftp always passes one; refuse if not
	}
	ip := addrOf(ot.RemoteAddr())
	if !ip.IsValid() || s.core.Banned(ip) {
		return errBanned
	}
	sl := s.limit.acquire(ip, s.core.KnownAddress)
	if sl == nil {
		return errBusy
	}
	defer s.limit.release(sl)
	ctx, cancel := context.WithTimeout(stop, s.cfg.TransferTimeout)
	defer cancel()
	// The core sees bad names too, so they are audited and struck, but a
	// bad name is refused here whatever the core answers.
	resp := s.core.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoTFTP, Path: filename, RemoteIP: ip})
	if !saneName(filename) {
		return errBadName
	}
	if !resp.Found {
		return errNotFound
	}
	ot.SetSize(int64(len(resp.Body))) // tsize (RFC 2349), when asked
	_, err := rf.ReadFrom(&transferReader{ctx: ctx, r: bytes.NewReader(resp.Body), slot: sl})
	return err
}

// saneName is the cheap local check: after one leading "/" (Cisco SPA's
// default Profile_Rule /spa$PSN.cfg sends one: provisioning/profile/README.md), no NUL or control bytes, no
// backslash, no ".." segment.
func saneName(name string) bool {
	name = strings.TrimPrefix(name, "/")
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }) {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}

// addrOf is the requester's address as the core judges it: IPv4-mapped
// addresses unmapped, and a link-local IPv6 address with its zone (the
// arrival interface), which the neighbour check needs to find its entry.
func addrOf(a net.UDPAddr) netip.Addr {
	ip, ok := netip.AddrFromSlice(a.IP)
	if !ok {
		return netip.Addr{}
	}
	if ip = ip.Unmap(); ip.Is6() && a.Zone != "" {
		ip = ip.WithZone(a.Zone)
	}
	return ip
}

// transferReader feeds pin/tftp one block at a time and ends the transfer
// once its context is done: the transfer deadline passed or the server is
// stopping. It also tells the slot when the client has acknowledged: pin/
// tftp reads each block with io.ReadFull into a block-sized buffer, and
// asks for the next block only once the previous one was ACKed, so a
// read of a full block's length after the first means block 1 was ACKed
// (the second read of a short first block has a shorter buffer).
type transferReader struct {
	ctx      context.Context
	r        *bytes.Reader
	slot     *slot
	firstLen int // len(p) of the first read; 0 before it
}

func (t *transferReader) Read(p []byte) (int, error) {
	switch {
	case t.firstLen == 0:
		t.firstLen = len(p)
	case len(p) == t.firstLen && t.slot != nil:
		t.slot.confirm()
	}
	if err := t.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, errTimedOut
		}
		return 0, errStopping
	}
	return t.r.Read(p)
}
