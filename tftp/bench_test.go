package tftp

import (
	"io"
	"strconv"
	"syscall"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"
)

// BenchmarkTransfer measures whole TFTP transfers on loopback: a 2 KB
// config at blksize 1428 (2 blocks plus OACK), in both modes. Besides
// the time it reports the process's CPU time per transfer (client and
// server together; steadier than time on a shared machine). Single-port
// mode used to look up the arrival interface for every datagram
// (pin/tftp's net.InterfaceByIndex); pktConn supplies it instead. The
// core-stack variants give the decision a stack as deep as the real
// core's (see workers).
func BenchmarkTransfer(b *testing.B) {
	for _, single := range []bool{false, true} {
		for _, stack := range []int{0, 16 << 10} {
			name := "single-port=" + strconv.FormatBool(single)
			if stack > 0 {
				name += "/core-stack=" + strconv.Itoa(stack>>10) + "KiB"
			}
			b.Run(name, func(b *testing.B) { benchTransfer(b, single, stack) })
		}
	}
}

// benchTransfer runs BenchmarkTransfer in one mode, with a core whose
// decision uses stack bytes of stack (the real core's chain is deep:
// the handler's goroutine used to grow its stack for every transfer).
func benchTransfer(b *testing.B, single bool, stack int) {
	core := newFakeCore()
	core.files["001565aabbcc.cfg"] = payload(2048)
	core.stack = stack
	r := start(b, newServer(b, Config{SinglePort: single}, core))
	c, err := pintftp.NewClient(r.addr)
	if err != nil {
		b.Fatal(err)
	}
	c.SetBlockSize(1428)
	c.RequestTSize(true)
	b.SetBytes(2048)
	cpu0 := cpuTime()
	for b.Loop() {
		wt, err := c.Receive("001565aabbcc.cfg", "octet")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wt.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
