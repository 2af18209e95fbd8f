package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// TFTP opcodes (RFC 1350, RFC 2347).
const (
	opRRQ   = 1
	opDATA  = 3
	opACK   = 4
	opERROR = 5
	opOACK  = 6
)

// tftpBlock is the block size asked for: an Ethernet MTU less the IP,
// UDP and TFTP headers, as phones ask.
const tftpBlock = 1468

// tftpClient reads files as a phone does: a fresh socket (so a fresh
// port) per transfer, blksize and tsize asked for, each DATA block
// acknowledged before the next comes, a lost packet sent again after
// tftpWait up to tftpTries times.
type tftpClient struct {
	b      phoneBinding
	server *net.UDPAddr
	buf    []byte
	ack    [4]byte
}

const (
	tftpWait  = 1 * time.Second
	tftpTries = 3
)

func newTFTPClient(b phoneBinding, server *net.UDPAddr) *tftpClient {
	return &tftpClient{b: b, server: server, buf: make([]byte, 65536)}
}

func rrq(name string) []byte {
	p := []byte{0, opRRQ}
	for _, s := range []string{name, "octet", "blksize", strconv.Itoa(tftpBlock), "tsize", "0"} {
		p = append(append(p, s...), 0)
	}
	return p
}

// get reads name and returns its length; want non-nil must occur in it.
func (t *tftpClient) get(name string, want []byte) (int, error) {
	c, err := t.b.udp()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var (
		peer  *net.UDPAddr
		last  = rrq(name)
		to    = t.server
		next  = uint16(1)
		size  = 512
		total int
		found = want == nil
		tries = 0
		tail  []byte // the end of the previous block, for want across blocks
	)
	if _, err := c.WriteToUDP(last, to); err != nil {
		return 0, err
	}
	for {
		c.SetReadDeadline(time.Now().Add(tftpWait))
		n, from, err := c.ReadFromUDP(t.buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && tries < tftpTries {
				tries++
				c.WriteToUDP(last, to)
				continue
			}
			return total, fmt.Errorf("after %d bytes: %w", total, err)
		}
		if n < 4 || (peer != nil && (from.Port != peer.Port || !from.IP.Equal(peer.IP))) {
			continue // not our server's transfer
		}
		if peer == nil {
			peer, to = from, from
		}
		p := t.buf[:n]
		switch binary.BigEndian.Uint16(p) {
		case opOACK:
			if v, ok := oackOption(p[2:], "blksize"); ok {
				size = v
			}
			last = t.ackOf(0)
		case opDATA:
			blk := binary.BigEndian.Uint16(p[2:])
			if blk != next {
				c.WriteToUDP(last, to) // a duplicate: our ACK was lost
				continue
			}
			data := p[4:]
			if !found {
				found = bytes.Contains(append(tail, data...), want)
				tail = append(tail[:0], data[max(0, len(data)-len(want)):]...)
			}
			total += len(data)
			next++
			last = t.ackOf(blk)
			if len(data) < size {
				c.WriteToUDP(last, to)
				if !found {
					return total, errors.New("answer without the expected content")
				}
				return total, nil
			}
		case opERROR:
			return total, fmt.Errorf("server error: %q", bytes.TrimRight(p[4:], "\x00"))
		default:
			return total, fmt.Errorf("unexpected opcode %d", binary.BigEndian.Uint16(p))
		}
		tries = 0
		if _, err := c.WriteToUDP(last, to); err != nil {
			return total, err
		}
	}
}

func (t *tftpClient) ackOf(blk uint16) []byte {
	binary.BigEndian.PutUint16(t.ack[:], opACK)
	binary.BigEndian.PutUint16(t.ack[2:], blk)
	return t.ack[:]
}

// oackOption reads a numeric option of an OACK's body.
func oackOption(b []byte, name string) (int, bool) {
	fields := bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0})
	for i := 0; i+1 < len(fields); i += 2 {
		if string(bytes.ToLower(fields[i])) == name {
			v, err := strconv.Atoi(string(fields[i+1]))
			return v, err == nil
		}
	}
	return 0, false
}
