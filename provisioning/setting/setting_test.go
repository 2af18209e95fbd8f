package setting

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	d, neg, set := time.Duration(0), -time.Second, 3*time.Second
	Or(&d, time.Minute)
	Or(&neg, time.Minute) // negative is a value, not "unset"
	Or(&set, time.Minute)
	if d != time.Minute || neg != -time.Second || set != 3*time.Second {
		t.Errorf("Or: %s %s %s", d, neg, set)
	}
	n, m := -4, 0
	OrPositive(&n, 8)
	OrPositive(&m, 8)
	if n != 8 || m != 8 {
		t.Errorf("OrPositive: %d %d, want 8 8", n, m)
	}
	for _, c := range []struct{ in, want int }{{0, 25}, {-1, 0}, {7, 7}} {
		got := c.in
		if Share(&got, 100); got != c.want {
			t.Errorf("Share(%d of 100) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestErrorKeepsKey(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", Errorf("dhcp.subnet[1].range", "%s is not inside %s", "a-b", "c"))
	var se *Error
	if !errors.As(err, &se) || se.Key != "dhcp.subnet[1].range" || se.Msg != "a-b is not inside c" {
		t.Fatalf("errors.As = %+v", se)
	}
	if se.Error() != "dhcp.subnet[1].range: a-b is not inside c" {
		t.Errorf("Error() = %q", se.Error())
	}
}
