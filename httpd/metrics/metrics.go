package metrics

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Funnel stages, in the order a phone goes through them.
const (
	StageDHCPOffer = "dhcp_offer" // an OFFER carrying the vendor's provisioning options
	StageBootstrap = "bootstrap"  // a bootstrap file request that named a known device
	StageRedirect  = "redirect"   // its redirect config served
	StageConfig    = "config"     // its full config served
	StageLocked    = "locked"     // the device locked itself after its config
)

// Stages lists the funnel stages in order.
var Stages = []string{StageDHCPOffer, StageBootstrap, StageRedirect, StageConfig, StageLocked}

// Metrics is provbox's Prometheus registry and the observer of the core
// and the servers. Build it with New.
type Metrics struct {
	reg *prometheus.Registry

	funnel    *cache[pair, prometheus.Counter] // vendor, stage
	served    *cache[[3]string, prometheus.Counter]
	refusals  *cache[pair, prometheus.Counter] // proto, reason
	strikes   *cache[string, prometheus.Counter]
	bansAdded prometheus.Counter
	bansLift  prometheus.Counter

	dhcpPackets  *cache[pair, prometheus.Counter] // direction, type
	dhcpNAKs     prometheus.Counter
	dhcpShed     prometheus.Counter
	leaseCommit  prometheus.Histogram
	leaseBatch   prometheus.Histogram
	leaseBatchTm prometheus.Histogram

	httpDur *cache[string, prometheus.Observer]
	tftpDur *cache[string, prometheus.Observer]
}

// New builds the registry: provbox's metrics, build info, and the Go
// and process collectors. vendors are the profile registry's names, whose
// funnel series are created at zero so a dashboard shows every vendor
// from the start.
func New(version string, vendors []string, src Sources) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.buildInfo(version)
	m.coreMetrics()
	m.serverMetrics()
	m.reg.MustRegister(newGauges(src))
	// Series that exist from the start, so dashboards and rate() see
	// them before the first event.
	for _, o := range []string{"ok", "not-found"} {
		m.httpDur.get(o)
	}
	for _, o := range []string{"ok", "not-found"} {
		m.tftpDur.get(o)
	}
	m.dhcpPackets.get(pair{"sent", "OFFER"})
	for _, v := range vendors {
		for _, st := range Stages {
			m.funnel.get(pair{v, st})
		}
	}
	return m
}

// Registry is the registry served at /metrics (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) buildInfo(version string) {
	bi := prometheus.NewGauge(prometheus.GaugeOpts{Name: "provbox_build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	bi.Set(1)
	m.reg.MustRegister(bi)
}

func (m *Metrics) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(v)
	return v
}

func (m *Metrics) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	m.reg.MustRegister(c)
	return c
}

func (m *Metrics) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	m.reg.MustRegister(h)
	return h
}

func (m *Metrics) histogramVec(name, help string, buckets []float64, label string) *cache[string, prometheus.Observer] {
	v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, []string{label})
	m.reg.MustRegister(v)
	return newCache(func(k string) prometheus.Observer { return v.WithLabelValues(k) })
}

func (m *Metrics) coreMetrics() {
	f := m.counterVec("provbox_funnel_total",
		"Phones through each provisioning stage, by vendor: dhcp_offer, bootstrap, redirect, config, locked.",
		"vendor", "stage")
	m.funnel = newCache(func(k pair) prometheus.Counter { return f.WithLabelValues(k.a, k.b) })
	s := m.counterVec("provbox_files_served_total", "Files served, by protocol, vendor and outcome.",
		"proto", "vendor", "outcome")
	m.served = newCache(func(k [3]string) prometheus.Counter { return s.WithLabelValues(k[0], k[1], k[2]) })
	r := m.counterVec("provbox_refusals_total", "Requests refused, by protocol and reason.", "proto", "reason")
	m.refusals = newCache(func(k pair) prometheus.Counter { return r.WithLabelValues(k.a, k.b) })
	st := m.counterVec("provbox_strikes_total", "Strikes counted against sources, by reason.", "reason")
	m.strikes = newCache(func(k string) prometheus.Counter { return st.WithLabelValues(k) })
	m.bansAdded = m.counter("provbox_bans_added_total", "Sources banned.")
	m.bansLift = m.counter("provbox_bans_lifted_total", "Bans lifted (expired, removed by an admin, or proved a known device).")
	m.leaseCommit = m.histogram("provbox_dhcp_lease_commit_seconds",
		"Time a DHCP lease waited to be durable (queueing and its group commit).", prometheus.ExponentialBuckets(0.0005, 2, 14))
	m.leaseBatch = m.histogram("provbox_dhcp_lease_batch_size",
		"Lease writes per group commit.", prometheus.ExponentialBuckets(1, 2, 10))
	m.leaseBatchTm = m.histogram("provbox_dhcp_lease_batch_seconds",
		"Duration of one group commit of leases.", prometheus.ExponentialBuckets(0.0005, 2, 14))
}

func (m *Metrics) serverMetrics() {
	p := m.counterVec("provbox_dhcp_packets_total", "DHCP packets, by direction (received, sent) and message type.",
		"direction", "type")
	m.dhcpPackets = newCache(func(k pair) prometheus.Counter { return p.WithLabelValues(k.a, k.b) })
	m.dhcpNAKs = m.counter("provbox_dhcp_naks_total", "DHCP NAKs sent.")
	m.dhcpShed = m.counter("provbox_dhcp_shed_total", "DHCP packets dropped unanswered for overload (every in-flight slot stayed taken, or the lease store backlogged).")
	lat := prometheus.ExponentialBuckets(0.0001, 4, 10)
	m.httpDur = m.histogramVec("provbox_http_request_duration_seconds",
		"Phone-facing HTTP(S) request duration, by outcome (ok, not-found, client-error, server-error).", lat, "outcome")
	m.tftpDur = m.histogramVec("provbox_tftp_transfer_duration_seconds",
		"TFTP transfer duration, by outcome (ok, failed, or the refusal's reason).", lat, "outcome")
}
