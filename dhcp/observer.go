package dhcp

// Observer is told of the packets the server handles, for counting (the
// Prometheus metrics of cmd/provbox). Arguments are bounded word sets
// (message type names, vendor names of the profile registry), never a
// MAC or an address. Calls come from the packet path: an implementation
// must be cheap and must not block.
type Observer interface {
	// Received: a parsed packet of msgType (DISCOVER, REQUEST, ...).
	Received(msgType string)
	// Replied: a reply of msgType (OFFER, ACK, NAK) was sent.
	Replied(msgType string)
	// BootOffered: an OFFER carries vendor's provisioning options.
	BootOffered(vendor string)
}

// ShedObserver is an Observer that is also told of each packet dropped
// unanswered for overload (every in-flight slot stayed taken, admit.go;
// or the lease writer was backlogged behind a hung store, async.go).
// Optional: the server asks for it, so an Observer need not change.
type ShedObserver interface{ Shed() }

type nopObserver struct{}

func (nopObserver) Received(string)    {}
func (nopObserver) Replied(string)     {}
func (nopObserver) BootOffered(string) {}

// WithObserver makes the server report to o.
func WithObserver(o Observer) Option {
	return func(s *Server) {
		if o != nil {
			s.obs = o
		}
	}
}

// msgTypeName is the message type as a fixed word; anything outside
// RFC 2132's and RFC 4388's types is "other", so a sender cannot grow
// the label set.
func msgTypeName(t uint8) string {
	if int(t) < len(msgTypeNames) && msgTypeNames[t] != "" {
		return msgTypeNames[t]
	}
	return "other"
}

var msgTypeNames = [...]string{1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
	7: "RELEASE", 8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY", 11: "LEASEUNASSIGNED", 12: "LEASEUNKNOWN",
	13: "LEASEACTIVE"}
