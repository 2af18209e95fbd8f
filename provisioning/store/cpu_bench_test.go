package store

import (
	"syscall"
	"testing"
	"time"
)

// ProcessCPU is the CPU time (user+system) this process has used so far.
func ProcessCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPUPer reports the CPU time used since start per unit (a lease, a
// device): on a shared machine wall time measures the neighbours, CPU
// time what the code costs.
func ReportCPUPer(b *testing.B, start time.Duration, n int, unit string) {
	if n > 0 {
		b.ReportMetric(float64((ProcessCPU(b)-start).Microseconds())/float64(n), "cpu-µs/"+unit)
	}
}
