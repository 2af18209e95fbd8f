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
	pc     *conn
	rb     *rawBatch
	single bool // not a UDP socket: one ReadFrom at a time
	buf    []byte
	one    struct {
		n    int
		cm   *ipv4.ControlMessage
		peer net.Addr
	}
}

func newBatchReader(pc *conn) *batchReader {
	r := &batchReader{pc: pc}
	if pc.raw == nil {
		// Not a UDP socket (a raw one would leave the IP header on).
		r.single, r.buf = true, make([]byte, 4096)
		return r
	}
	r.rb = newRawBatch(readBatch)
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
	return r.rb.read(r.pc.raw)
}

// packet is the i-th datagram of the last read: its bytes, packet info
// (nil if there was none) and source.
func (r *batchReader) packet(i int) ([]byte, *ipv4.ControlMessage, net.Addr) {
	if r.single {
		return r.buf[:r.one.n], r.one.cm, r.one.peer
	}
	b, oob, peer := r.rb.packet(i)
	var cm *ipv4.ControlMessage
	if len(oob) > 0 {
		cm = new(ipv4.ControlMessage)
		if cm.Parse(oob) != nil {
			cm = nil
		}
	}
	return b, cm, peer
}
