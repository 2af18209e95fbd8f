package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/<pid>/stat's CPU times (USER_HZ, 100
// on Linux everywhere).
const clockTick = 10 * time.Millisecond

// cpuOf is the CPU time (user + system) a server has used: the process
// and its children (nginx's workers), read from /proc. On a machine
// shared with other work, CPU per request is the steadier measure: a
// rate depends on what else runs, the cost of a request much less.
func cpuOf(pid int) time.Duration {
	total := procCPU(pid)
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	if err != nil {
		return total
	}
	for _, f := range strings.Fields(string(b)) {
		if c, err := strconv.Atoi(f); err == nil {
			total += procCPU(c)
		}
	}
	return total
}

// procCPU is utime + stime of one process (all its threads).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields follow its ')'.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	// utime and stime are fields 14 and 15 of stat; f[0] is field 3.
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * clockTick
}
