package profile

// OffsetMinutes is the standard offset in minutes east of UTC (Panasonic
// TIME_ZONE).
func (z Zone) OffsetMinutes() int { return z.Offset / 60 }

// MinuteOfDay is the transition's wall-clock time in minutes after
// midnight (Panasonic DST_START_TIME / DST_STOP_TIME).
func (t Transition) MinuteOfDay() int { return t.Hour*60 + t.Minute }
