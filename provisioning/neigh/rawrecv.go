package neigh

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvNow reads one queued notification datagram into buf without
// waiting (MSG_DONTWAIT: EAGAIN when nothing is queued). It is a raw
// system call: unix.Recvfrom goes through the runtime's entersyscall and
// exitsyscall, which may hand the caller's P away and make it queue for
// one on return, and every lookup makes this call while holding the
// table's lock, so a caller left waiting for a P stalled every other
// request's check behind it (runtime/trace: the lock was the handler's
// largest wait under load). A call that cannot block needs neither, as
// the runtime's own netpoll shows. fromKernel reports whether the
// datagram's sender is the kernel (netlink port id 0).
func recvNow(fd int, buf []byte) (n int, fromKernel bool, err error) {
	if len(buf) == 0 {
		return 0, false, unix.EINVAL
	}
	var from unix.RawSockaddrNetlink
	fromLen := uint32(unsafe.Sizeof(from))
	r, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])),
		uintptr(len(buf)), unix.MSG_DONTWAIT, uintptr(unsafe.Pointer(&from)), uintptr(unsafe.Pointer(&fromLen)))
	if errno != 0 {
		return 0, false, errno
	}
	kernel := fromLen >= uint32(unsafe.Sizeof(from)) && from.Family == unix.AF_NETLINK && from.Pid == 0
	return int(r), kernel, nil
}
