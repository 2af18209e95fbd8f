package metrics

import (
	"time"

	"github.com/provbox/provbox/provisioning"
)

// The methods below implement provisioning.Observer, dhcp.Observer,
// httpd.Observer and tftp.Observer.

var _ provisioning.Observer = (*Metrics)(nil)

func (m *Metrics) Bootstrap(_ provisioning.Proto, vendor string) {
	m.funnel.get(pair{word(vendor), StageBootstrap}).Inc()
}

func (m *Metrics) Served(proto provisioning.Proto, vendor, outcome string) {
	vendor = word(vendor)
	m.served.get([3]string{string(proto), vendor, word(outcome)}).Inc()
	switch outcome {
	case "redirect":
		m.funnel.get(pair{vendor, StageRedirect}).Inc()
	case "config":
		m.funnel.get(pair{vendor, StageConfig}).Inc()
	}
}

func (m *Metrics) Refused(proto, reason string) {
	m.refusals.get(pair{word(proto), word(reason)}).Inc()
}

func (m *Metrics) Struck(reason string, _ int) { m.strikes.get(word(reason)).Inc() }

func (m *Metrics) BanChanged(banned bool) {
	if banned {
		m.bansAdded.Inc()
		return
	}
	m.bansLift.Inc()
}

func (m *Metrics) Locked(vendor string) { m.funnel.get(pair{word(vendor), StageLocked}).Inc() }

func (m *Metrics) LeaseBatch(n int, d time.Duration) {
	m.leaseBatch.Observe(float64(n))
	m.leaseBatchTm.Observe(d.Seconds())
}

func (m *Metrics) LeaseCommitted(d time.Duration) { m.leaseCommit.Observe(d.Seconds()) }

// dhcp.Observer

// Shed implements dhcp.ShedObserver: the log says so once a minute, this
// counts every one.
func (m *Metrics) Shed() { m.dhcpShed.Inc() }

func (m *Metrics) Received(msgType string) { m.dhcpPackets.get(pair{"received", msgType}).Inc() }

func (m *Metrics) Replied(msgType string) {
	m.dhcpPackets.get(pair{"sent", msgType}).Inc()
	if msgType == "NAK" {
		m.dhcpNAKs.Inc()
	}
}

func (m *Metrics) BootOffered(vendor string) { m.funnel.get(pair{word(vendor), StageDHCPOffer}).Inc() }

// httpd.Observer

func (m *Metrics) Request(outcome string, d time.Duration) {
	m.httpDur.get(outcome).Observe(d.Seconds())
}

// tftp.Observer

func (m *Metrics) Transfer(outcome string, d time.Duration) {
	m.tftpDur.get(outcome).Observe(d.Seconds())
}
