package admin

import (
	"context"
	"fmt"
	"net"
	"os/user"
	"strconv"
	"syscall"

	"github.com/provbox/provbox/httpd/admin/ops"
)

// peerContext is the admin socket's ConnContext: the unix user of the
// peer process (SO_PEERCRED, set by the kernel, not by the client)
// becomes the actor of the changes made on that connection.
func peerContext(ctx context.Context, c net.Conn) context.Context {
	a, err := PeerActor(c)
	if err != nil {
		return ctx // not a unix socket (a test's TCP listener): no actor
	}
	return ops.WithActor(ctx, a)
}

// PeerActor is the CLI actor of a unix socket connection: its peer's
// user name (or "uid N" when the uid has no name) and pid.
func PeerActor(c net.Conn) (ops.Actor, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return ops.Actor{}, fmt.Errorf("not a unix socket connection")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return ops.Actor{}, err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return ops.Actor{}, err
	}
	if credErr != nil {
		return ops.Actor{}, fmt.Errorf("SO_PEERCRED: %w", credErr)
	}
	uid := strconv.FormatUint(uint64(cred.Uid), 10)
	name := "uid " + uid
	if u, err := user.LookupId(uid); err == nil {
		name = u.Username
	}
	return ops.Actor{Kind: "cli", Name: name, Addr: "pid " + strconv.Itoa(int(cred.Pid))}, nil
}
