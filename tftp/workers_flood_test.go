package tftp

import (
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestRRQFloodLeavesNoWorkers: a flood of read requests through a real
// socket, most for files that do not exist and some for a file whose
// client never acknowledges, in both modes; the stop that follows ends
// every transfer and every worker the flood started, so the process is
// back to the goroutines it had (nothing waits for the idle time).
func TestRRQFloodLeavesNoWorkers(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run("single-port="+strconv.FormatBool(single), func(t *testing.T) {
			base := runtime.NumGoroutine()
			core := newFakeCore()
			core.files["a.cfg"] = payload(3000)
			r := start(t, newServer(t, Config{Timeout: time.Second, Retries: 2, SinglePort: single}, core))
			to, err := net.ResolveUDPAddr("udp", r.addr)
			if err != nil {
				t.Fatal(err)
			}
			var socks []*net.UDPConn
			for i := range 400 {
				c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
				if err != nil {
					t.Fatal(err)
				}
				socks = append(socks, c)
				name := "missing-" + strconv.Itoa(i) + ".cfg"
				if i%10 == 0 {
					name = "a.cfg" // answered, never acknowledged
				}
				if _, err := c.WriteToUDP(request(1, name, "octet"), to); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(200 * time.Millisecond) // let the server take them
			if err := r.stop(t, 15*time.Second); err != nil {
				t.Fatalf("Serve: %v", err)
			}
			for _, c := range socks {
				c.Close()
			}
			waitGoroutines(t, base, 5*time.Second)
		})
	}
}
