package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Sources are what the gauges read at scrape time; nil fields are
// left out of the exposition.
type Sources struct {
	// Core is the provisioning core. If it also has PendingCount, the
	// pending (unknown) phones gauge is exposed too.
	Core Core
	// Pools reports each DHCP subnet's use (nil: DHCP is off).
	Pools func() []Pool
	// TFTPInFlight reports the transfers running (nil: TFTP is off).
	TFTPInFlight func() int
	// Rogues reports the foreign DHCP servers seen (nil: DHCP is off).
	Rogues func() int
}

// Core is what the gauges read from the provisioning core.
type Core interface {
	DeviceStates() map[string]int
	ActiveBans() int
}

// PendingCounter is the optional part of Core: the phones that asked
// and are not in the inventory, waiting for an admin.
type PendingCounter interface {
	PendingCount() int
}

// Pool is one DHCP subnet's use. Subnet is the configured prefix: a
// bounded, configured value, not a client's address.
type Pool struct {
	Subnet         string
	Size           int
	Bound, Offered int
}

var (
	devicesDesc  = prometheus.NewDesc("provbox_devices", "Devices in the inventory, by state (open, locked).", []string{"state"}, nil)
	bansDesc     = prometheus.NewDesc("provbox_bans_active", "Sources banned now.", nil, nil)
	pendingDesc  = prometheus.NewDesc("provbox_pending_devices", "Unknown phones that asked, waiting to be adopted.", nil, nil)
	poolSizeDesc = prometheus.NewDesc("provbox_dhcp_pool_addresses", "Addresses in each DHCP subnet's range.", []string{"subnet"}, nil)
	poolUseDesc  = prometheus.NewDesc("provbox_dhcp_pool_leases", "Addresses in use in each DHCP subnet, by state (bound, offered).",
		[]string{"subnet", "state"}, nil)
	inFlightDesc = prometheus.NewDesc("provbox_tftp_transfers_in_flight", "TFTP transfers running.", nil, nil)
	roguesDesc   = prometheus.NewDesc("provbox_dhcp_rogue_servers", "Foreign DHCP servers seen on the watched segments.", nil, nil)
)

// gauges is a collector reading Sources when scraped.
type gauges struct{ src Sources }

func newGauges(src Sources) *gauges { return &gauges{src} }

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{devicesDesc, bansDesc, pendingDesc, poolSizeDesc, poolUseDesc, inFlightDesc, roguesDesc} {
		ch <- d
	}
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v int, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}
	if c := g.src.Core; c != nil {
		for state, n := range c.DeviceStates() {
			gauge(devicesDesc, n, state)
		}
		gauge(bansDesc, c.ActiveBans())
		if p, ok := c.(PendingCounter); ok {
			gauge(pendingDesc, p.PendingCount())
		}
	}
	if g.src.Pools != nil {
		for _, p := range g.src.Pools() {
			gauge(poolSizeDesc, p.Size, p.Subnet)
			gauge(poolUseDesc, p.Bound, p.Subnet, "bound")
			gauge(poolUseDesc, p.Offered, p.Subnet, "offered")
		}
	}
	if g.src.TFTPInFlight != nil {
		gauge(inFlightDesc, g.src.TFTPInFlight())
	}
	if g.src.Rogues != nil {
		gauge(roguesDesc, g.src.Rogues())
	}
}
