package dhcp

import (
	"net"

	"golang.org/x/net/ipv4"
)

// readBatch is how many datagrams one read may return: under load a
// single recvmmsg(2) then takes what recvmsg(2) took one call each for
// (one system call and one trip through the poller per packet). A
// packet at a time is what a quiet socket gives, at the same cost as
// before.
const readBatch = 16

// batchReader reads datagrams with their packet info into buffers it
// owns: a packet's bytes are valid until the next read.
type batchReader struct {
	pc     *ipv4.PacketConn
	ms     []ipv4.Message
	single bool // not a UDP socket: one ReadFrom at a time
	buf    []byte
	one    struct {
		n    int
		cm   *ipv4.ControlMessage
		peer net.Addr
	}
}

func newBatchReader(pc *ipv4.PacketConn, c net.PacketConn) *batchReader {
	r := &batchReader{pc: pc}
	if _, ok := c.(*net.UDPConn); !ok {
		// ReadBatch leaves the IP header on other sockets' datagrams.
		r.single, r.buf = true, make([]byte, 4096)
		return r
	}
	r.ms = make([]ipv4.Message, readBatch)
	for i := range r.ms {
		r.ms[i].Buffers = [][]byte{make([]byte, 4096)}
		r.ms[i].OOB = ipv4.NewControlMessage(ipv4.FlagInterface | ipv4.FlagDst)
	}
	return r
}

// read waits for datagrams and returns how many arrived.
func (r *batchReader) read() (int, error) {
	if r.single {
		var err error
		r.one.n, r.one.cm, r.one.peer, err = r.pc.ReadFrom(r.buf)
		if err != nil {
			return 0, err
		}
		return 1, nil
	}
	return r.pc.ReadBatch(r.ms, 0)
}

// packet is the i-th datagram of the last read: its bytes, packet info
// (nil if there was none) and source.
func (r *batchReader) packet(i int) ([]byte, *ipv4.ControlMessage, net.Addr) {
	if r.single {
		return r.buf[:r.one.n], r.one.cm, r.one.peer
	}
	m := &r.ms[i]
	var cm *ipv4.ControlMessage
	if m.NN > 0 {
		cm = new(ipv4.ControlMessage)
		if cm.Parse(m.OOB[:m.NN]) != nil {
			cm = nil
		}
	}
	return m.Buffers[0][:m.N], cm, m.Addr
}
