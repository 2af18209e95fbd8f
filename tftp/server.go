package tftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	pintftp "github.com/pin/tftp/v3"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Server is the read-only TFTP server.
type Server struct {
	cfg   Config
	core  Core
	log   *slog.Logger
	limit *limiter
	obs   Observer // counts transfers (metrics)
	// pktMax bounds the clients single-port mode remembers (0:
	// maxRemembered); tests lower it.
	pktMax int
}

// New validates cfg and applies defaults.
func New(cfg Config, core Core, log *slog.Logger) (*Server, error) {
	if core == nil {
		return nil, errors.New("tftp: nil core")
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "tftp")
	lim := limits{max: cfg.MaxTransfers, perSource: int(cfg.MaxPerSource), perPrefix: int(cfg.MaxPerPrefix),
		reserved: int(cfg.ReservedForDevices), firstACK: cfg.FirstACKTimeout.Duration()}
	return &Server{cfg: cfg, core: core, log: log, limit: newLimiter(lim, log), obs: nopObserver{}}, nil
}

// Listen binds the configured UDP address, with packet info (destination
// address and interface) enabled from the first datagram on.
func (s *Server) Listen() (net.PacketConn, error) {
	conn, err := net.ListenPacket("udp", string(s.cfg.Addr))
	if err != nil {
		return nil, fmt.Errorf("tftp: listening on %s: %w", s.cfg.Addr, err)
	}
	enablePacketInfo(conn)
	return conn, nil
}

// enablePacketInfo turns on IP_PKTINFO (IPV6_RECVPKTINFO) on conn.
// pin/tftp does so itself in Serve, but a request already queued by then
// arrives without it, and pin/tftp then caps that transfer's blksize at
// 512. It is best effort: without it pin/tftp still serves, at 512.
func enablePacketInfo(conn net.PacketConn) {
	uc, ok := conn.(*net.UDPConn)
	if !ok {
		return
	}
	if a, ok := uc.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() != nil {
		_ = ipv4.NewPacketConn(uc).SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true)
		return
	}
	_ = ipv6.NewPacketConn(uc).SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true)
}

// singlePortConn hands pin/tftp a pktConn over conn (see pktConn), so
// it skips its per-datagram interface lookup; conn itself (and no
// pktConn) if conn is not a UDP socket or packet info cannot be had.
func (s *Server) singlePortConn(srv *pintftp.Server, conn net.PacketConn) (net.PacketConn, *pktConn) {
	uc, ok := conn.(*net.UDPConn)
	if !ok {
		return conn, nil
	}
	capBlock := maxBlock
	if s.cfg.MaxBlockSize != 0 {
		capBlock = s.cfg.MaxBlockSize
	}
	// A client's last datagram is at most this old while its transfer
	// may still send: the transfer deadline plus pin/tftp's retries.
	keep := s.cfg.TransferTimeout + s.cfg.Timeout*time.Duration(s.cfg.Retries+1)
	pc := newPktConn(uc, srv.SetBlockSize, capBlock, keep)
	if pc == nil {
		return conn, nil
	}
	if s.pktMax > 0 {
		pc.max = s.pktMax
	}
	// The cap comes from pktConn per request: pin/tftp must not clamp
	// to the 512 it assumes without packet info.
	srv.SetBlockSizeNegotiation(false)
	return pc, pc
}

// Serve answers read requests on conn until ctx is cancelled, then stops
// through pin/tftp's Shutdown, which waits for running transfers; those
// are aborted at their next block because their contexts derive from ctx.
// It returns nil after a clean stop and closes conn.
func (s *Server) Serve(ctx context.Context, conn net.PacketConn) error {
	enablePacketInfo(conn) // for sockets not made by Listen (systemd)
	wk := newWorkers(idleWorker)
	defer wk.stop() // after Shutdown: no handler runs any more
	srv := pintftp.NewServer(func(name string, rf io.ReaderFrom) (err error) {
		wk.do(func() { err = s.read(ctx, name, rf) })
		return err
	}, refuseWrite)
	srv.SetTimeout(s.cfg.Timeout)
	srv.SetRetries(s.cfg.Retries)
	if s.cfg.MaxBlockSize != 0 {
		srv.SetBlockSize(s.cfg.MaxBlockSize)
	}
	h := hook{log: s.log, obs: s.obs}
	if s.cfg.SinglePort {
		srv.EnableSinglePort()
		conn, h.conn = s.singlePortConn(srv, conn)
	}
	srv.SetHook(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(conn) }()
	select {
	case err := <-errc: // only at start: pin/tftp loops until Shutdown
		conn.Close()
		if err == nil {
			err = errors.New("stopped on its own")
		}
		return fmt.Errorf("tftp: serving on %s: %w", conn.LocalAddr(), err)
	case <-ctx.Done():
	}
	// Never close conn underneath pin/tftp: its Serve loop (pin/tftp/v3
	// server.go) reads until Shutdown cancels it, so it would spin on the
	// closed socket; Shutdown closes conn itself after cancelling.
	srv.Shutdown()
	<-errc
	conn.Close()
	return nil
}
