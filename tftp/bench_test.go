package tftp

import (
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	pintftp "github.com/pin/tftp/v3"
)

// BenchmarkTransfer measures whole TFTP transfers on loopback: a 2 KB
// config at blksize 1428 (2 blocks plus OACK), and a 200 KiB file (144
// blocks: the per-datagram costs), in both modes. Besides
// the time it reports the process's CPU time per transfer (client and
// server together; steadier than time on a shared machine). Single-port
// mode used to look up the arrival interface for every datagram
// (pin/tftp's net.InterfaceByIndex); pktConn supplies it instead. The
// core-stack variants give the decision a stack as deep as the real
// core's (see workers).
func BenchmarkTransfer(b *testing.B) {
	for _, single := range []bool{false, true} {
		for _, v := range []struct{ size, stack int }{{2048, 0}, {2048, 16 << 10}, {200 << 10, 0}} {
			name := "single-port=" + strconv.FormatBool(single)
			if v.stack > 0 {
				name += "/core-stack=" + strconv.Itoa(v.stack>>10) + "KiB"
			}
			if v.size != 2048 {
				name += "/size=" + strconv.Itoa(v.size>>10) + "KiB"
			}
			b.Run(name, func(b *testing.B) { benchTransfer(b, single, v.size, v.stack) })
		}
	}
}

// benchTransfer runs BenchmarkTransfer in one mode for a file of size
// bytes, with a core whose decision uses stack bytes of stack (the real
// core's chain is deep: the handler's goroutine used to grow its stack
// for every transfer).
func benchTransfer(b *testing.B, single bool, size, stack int) {
	core := newFakeCore()
	core.files["001565aabbcc.cfg"] = payload(size)
	core.stack = stack
	r := start(b, newServer(b, Config{SinglePort: single}, core))
	c, err := pintftp.NewClient(r.addr)
	if err != nil {
		b.Fatal(err)
	}
	c.SetBlockSize(1428)
	c.RequestTSize(true)
	b.SetBytes(int64(size))
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

// BenchmarkPktConnReadFrom reads datagrams through single-port mode's
// pktConn (packet info, the client table), over loopback. x/net's
// ReadFrom, used before, allocated a control message and made a
// getsockopt syscall per datagram.
func BenchmarkPktConnReadFrom(b *testing.B) {
	uc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer uc.Close()
	pc := newPktConn(uc, func(int) {}, maxBlock, time.Minute)
	if pc == nil {
		b.Skip("no packet info")
	}
	c, err := net.DialUDP("udp", nil, uc.LocalAddr().(*net.UDPAddr))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ack := []byte{0, 4, 0, 1}
	buf := make([]byte, 1472)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(ack); err != nil {
			b.Fatal(err)
		}
		if _, _, err := pc.ReadFrom(buf); err != nil {
			b.Fatal(err)
		}
	}
}
