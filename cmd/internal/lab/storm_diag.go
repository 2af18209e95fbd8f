package lab

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// The storm's diagnostics: where packets were lost and what the daemon
// complained about, for a run that misses its goal.

var logLevelMsg = regexp.MustCompile(`level=(WARN|ERROR) msg="?([^"=]*?)"?(?: \w+=|$)`)

// daemonWarnings counts the daemon log's WARN and ERROR lines by message,
// and returns the first line of each.
func (s *storm) daemonWarnings() (map[string]float64, []string) {
	f, err := os.Open(s.d.log)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	out := map[string]float64{}
	var first []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if m := logLevelMsg.FindStringSubmatch(sc.Text()); m != nil {
			k := m[1] + " " + strings.TrimSpace(m[2])
			if out[k] == 0 {
				first = append(first, sc.Text())
			}
			out[k]++
		}
	}
	return out, first
}

// udpDrops is the UDP datagrams the kernel of h's namespace dropped for a
// full receive buffer (/proc/net/snmp, Udp RcvbufErrors).
func udpDrops(h *Host) (int, error) {
	var n int
	err := h.Do(func() error {
		b, err := os.ReadFile("/proc/thread-self/net/snmp")
		if err != nil {
			return err
		}
		var head []string
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) == 0 || f[0] != "Udp:" {
				continue
			}
			if head == nil {
				head = f
				continue
			}
			for i, k := range head {
				if k == "RcvbufErrors" && i < len(f) {
					_, err := fmt.Sscan(f[i], &n)
					return err
				}
			}
		}
		return fmt.Errorf("no Udp RcvbufErrors in /proc/net/snmp")
	})
	return n, err
}

// processCPU is the CPU time (user and system) process pid has used so
// far, from /proc/PID/stat (clock ticks of 1/100 s on Linux).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces), from state.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// serverARP is the server namespace's IPv4 neighbour table: address →
// MAC, complete entries only.
func serverARP(h *Host) (map[string]string, error) {
	out := map[string]string{}
	err := h.Do(func() error {
		b, err := os.ReadFile("/proc/thread-self/net/arp")
		if err != nil {
			return err
		}
		for _, l := range strings.Split(string(b), "\n")[1:] {
			// IP address, HW type, Flags, HW address, Mask, Device
			if f := strings.Fields(l); len(f) >= 4 && f[2] != "0x0" {
				out[f[0]] = strings.ToLower(f[3])
			}
		}
		return nil
	})
	return out, err
}
