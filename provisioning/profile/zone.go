package profile

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve on hosts without tzdata
)

// Zone is an IANA time zone as phones want it: a standard offset and,
// where the zone observes daylight saving time, its yearly rule. It is
// computed from the zone's transitions in one year, so every vendor's
// format derives from the same facts.
type Zone struct {
	Name   string // IANA name; "UTC" when Data.TimeZone is empty
	Offset int    // standard offset, seconds east of UTC
	HasDST bool
	Save   int // minutes added in summer
	Start  Transition
	End    Transition
	POSIX  string // e.g. CET-1CEST,M3.5.0/2,M10.5.0/3
}

// Transition is when summer time starts or ends, in local wall-clock time
// before the change.
type Transition struct {
	Month   int // 1-12
	Week    int // 1-4, or 5 for the last one in the month
	Weekday int // 0 = Sunday … 6 = Saturday
	Hour    int
	Minute  int
}

// Last reports whether the rule names the month's last such weekday.
func (t Transition) Last() bool { return t.Week == 5 }

// FirstDay is the first day of month the rule's week may fall on
// (1, 8, 15, 22); Cisco and Poly count weeks this way.
func (t Transition) FirstDay() int { return (t.Week-1)*7 + 1 }

// ISOWeekday is 1 = Monday … 7 = Sunday.
func (t Transition) ISOWeekday() int {
	if t.Weekday == 0 {
		return 7
	}
	return t.Weekday
}

// Hours is the standard offset as "+1", "-5" or "+5:30".
func (z Zone) Hours() string {
	sign, s := "+", z.Offset
	if s < 0 {
		sign, s = "-", -s
	}
	if s%3600 == 0 {
		return fmt.Sprintf("%s%d", sign, s/3600)
	}
	return fmt.Sprintf("%s%d:%02d", sign, s/3600, s%3600/60)
}

// HM is the standard offset as "+01:00".
func (z Zone) HM() string {
	sign, s := "+", z.Offset
	if s < 0 {
		sign, s = "-", -s
	}
	return fmt.Sprintf("%s%02d:%02d", sign, s/3600, s%3600/60)
}

// loadZone decodes name ("" means UTC) with its rule in year.
func loadZone(name string, year int) (Zone, error) {
	if name == "" {
		name = "UTC"
	}
	if name == "Local" {
		return Zone{}, fmt.Errorf("%q is not an IANA time zone name", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, fmt.Errorf("unknown time zone %q", name)
	}
	z := Zone{Name: name}
	jan, jul := time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year, 7, 1, 0, 0, 0, 0, loc)
	janAbbr, janOff := jan.Zone()
	julAbbr, julOff := jul.Zone()
	if janOff == julOff {
		z.Offset = janOff
		z.POSIX = posixName(janAbbr) + posixOffset(janOff)
		return z, nil
	}
	stdAbbr, dstAbbr := janAbbr, julAbbr
	z.Offset = min(janOff, julOff)
	if julOff < janOff {
		stdAbbr, dstAbbr = julAbbr, janAbbr
	}
	z.HasDST, z.Save = true, (max(janOff, julOff)-z.Offset)/60
	z.Start, z.End = transitions(loc, year, z.Offset)
	z.POSIX = posixName(stdAbbr) + posixOffset(z.Offset) + posixName(dstAbbr)
	if z.Save != 60 {
		z.POSIX += posixOffset(z.Offset + z.Save*60)
	}
	z.POSIX += posixRule(z.Start) + posixRule(z.End)
	return z, nil
}

// transitions finds the first change into and out of summer time in year.
func transitions(loc *time.Location, year, std int) (start, end Transition) {
	t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	_, prev := t.In(loc).Zone()
	var gotStart, gotEnd bool
	for day := 0; day < 366 && !(gotStart && gotEnd); day++ {
		next := t.Add(24 * time.Hour)
		if _, off := next.In(loc).Zone(); off != prev {
			at := changeAt(loc, t, next)
			tr := ruleOf(at.Add(time.Duration(prev) * time.Second).UTC())
			if off > prev && !gotStart {
				start, gotStart = tr, true
			} else if off < prev && !gotEnd {
				end, gotEnd = tr, true
			}
			prev = off
		}
		t = next
	}
	return start, end
}

// changeAt bisects (lo, hi] to the first second with hi's offset.
func changeAt(loc *time.Location, lo, hi time.Time) time.Time {
	_, want := hi.In(loc).Zone()
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if _, off := mid.In(loc).Zone(); off == want {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// ruleOf expresses a wall-clock instant as "the n-th weekday of month".
func ruleOf(w time.Time) Transition {
	daysIn := time.Date(w.Year(), w.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	week := (w.Day()-1)/7 + 1
	if w.Day()+7 > daysIn {
		week = 5
	}
	return Transition{Month: int(w.Month()), Week: week, Weekday: int(w.Weekday()), Hour: w.Hour(), Minute: w.Minute()}
}

// posixName quotes abbreviations that are not plain letters ("+03").
func posixName(abbr string) string {
	if strings.Trim(abbr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == "" && len(abbr) >= 3 {
		return abbr
	}
	return "<" + abbr + ">"
}

// posixOffset writes an offset east of UTC the POSIX way (west positive).
func posixOffset(east int) string {
	west := -east
	sign := ""
	if west < 0 {
		sign, west = "-", -west
	}
	if west%3600 == 0 {
		return fmt.Sprintf("%s%d", sign, west/3600)
	}
	return fmt.Sprintf("%s%d:%02d", sign, west/3600, west%3600/60)
}

func posixRule(t Transition) string {
	s := fmt.Sprintf(",M%d.%d.%d/%d", t.Month, t.Week, t.Weekday, t.Hour)
	if t.Minute != 0 {
		s += fmt.Sprintf(":%02d", t.Minute)
	}
	return s
}

// Weekday1 is 1 = Sunday … 7 = Saturday.
func (t Transition) Weekday1() int { return t.Weekday + 1 }

// SaveSeconds is Save in seconds.
func (z Zone) SaveSeconds() int { return z.Save * 60 }

// Quarters is the standard offset in 15-minute units (UTC+1 = 4,
// UTC-5 = -20, UTC+5:30 = 22), Fanvil's "Time Zone".
func (z Zone) Quarters() int { return z.Offset / 900 }
