// Package tftp is provbox's read-only TFTP server (RFC 1350, with the
// blksize and tsize options of RFC 2348 and RFC 2349), built on
// github.com/pin/tftp/v3.
//
// It is thin: every read request becomes one provisioning.FetchRequest handed
// to the core's Fetch, and the core's answer is sent back. Writes are
// refused. A banned requester is refused before anything else; every
// refusal, whatever its reason, reaches the client as the same TFTP error
// (code 1, "file not found"), and the reason goes to the log and, through
// the core, to the audit trail.
//
// Each transfer is bounded twice: pin/tftp retransmits a block at most
// Retries times, Timeout apart, and the whole transfer must end within
// TransferTimeout. Serve stops through pin/tftp's Shutdown (never by
// closing the socket underneath it); transfers still running are aborted
// at their next block, so a stop takes at most one round trip for a live
// client and Timeout×Retries for one that went silent.
//
// Transfer slots are shared out (limit.go): bounded in all, per address
// and per IPv6 /64, with a share kept for addresses bound to a known
// device (Core.KnownAddress); a transfer whose first block goes
// unacknowledged for FirstACKTimeout gives its slot up to the next
// request that finds none free.
//
// Each request is handled on a long-lived worker goroutine (workers.go)
// rather than on the one pin/tftp starts for it, so the stack the core's
// checks need is grown once, not per transfer.
//
//	srv, err := tftp.New(tftp.Config{Addr: ":69"}, svc, log)
//	conn, err := srv.Listen()
//	go srv.Serve(ctx, conn)
package tftp
