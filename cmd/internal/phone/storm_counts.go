package phone

import "sync/atomic"

// HubCounts is what a storm namespace's DHCP tap did with the replies it
// read: where each went tells a lost answer from one that came too late.
type HubCounts struct {
	Replies   int64 `json:"replies"`   // BOOTREPLYs read off the uplink
	Delivered int64 `json:"delivered"` // handed to the phone they were for
	// Stray replies carried no open transaction's xid: another
	// namespace's phones' (the server's broadcasts reach every namespace)
	// or an answer that came after its phone stopped waiting.
	Stray    int64 `json:"stray"`
	WrongMAC int64 `json:"wrong_mac"` // an open xid, another chaddr
	Full     int64 `json:"full"`      // the phone's queue was full
}

// Add sums o into c.
func (c *HubCounts) Add(o HubCounts) {
	c.Replies += o.Replies
	c.Delivered += o.Delivered
	c.Stray += o.Stray
	c.WrongMAC += o.WrongMAC
	c.Full += o.Full
}

type hubCounters struct{ replies, delivered, stray, wrongMAC, full atomic.Int64 }

func (c *hubCounters) snapshot() HubCounts {
	return HubCounts{Replies: c.replies.Load(), Delivered: c.delivered.Load(), Stray: c.stray.Load(),
		WrongMAC: c.wrongMAC.Load(), Full: c.full.Load()}
}
