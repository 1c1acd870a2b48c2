package hours

import (
	"slices"
	"time"
)

// day is a calendar date in Asia/Shanghai with what evaluation needs to know about it.
type day struct {
	year, month, dom int
	weekday          int    // Mo=0 .. Su=6
	holiday          string // public-holiday name, "" when it is not one
	isHoliday        bool
}

func (c *Calendar) day(t time.Time) day {
	y, m, d := t.Date()
	wd := (int(t.Weekday()) + 6) % 7
	name, ok := c.Holiday(y, int(m), d)
	return day{year: y, month: int(m), dom: d, weekday: wd, holiday: name, isHoliday: ok}
}

// Moment is an instant prepared for evaluation: the day it falls on, the day before (for spans past
// midnight) and the minute of the day. Preparing it once lets many schedules be evaluated at the same
// instant cheaply (the open-now filter evaluates thousands).
type Moment struct {
	today, yesterday day
	minute           int
}

// Moment prepares t, in Asia/Shanghai, for evaluation.
func (c *Calendar) Moment(t time.Time) Moment {
	t = t.In(Zone)
	y, m, d := t.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, Zone)
	return Moment{
		today:     c.day(midnight),
		yesterday: c.day(midnight.AddDate(0, 0, -1)),
		minute:    t.Hour()*60 + t.Minute(),
	}
}

// StateAt evaluates the schedule at m: the state and the comment that applies (a rule's own comment,
// or the name of the public holiday its PH selector matched), as opening_hours.js does.
func (s *Schedule) StateAt(m Moment) (State, string) {
	matching := make([]int, 0, 16) // indexes into s.eval of the rules whose days match, after overriding
	phRule, phName := -1, ""
	for i := range s.eval {
		r := &s.eval[i]
		d := &m.today
		if r.wrapped {
			d = &m.yesterday
		}
		ok, ph := r.matchDay(d)
		if ph {
			phRule, phName = i, d.holiday
		}
		if !ok {
			continue
		}
		// A later rule that applies to the same day replaces the earlier ones, exactly under the
		// conditions opening_hours.js uses (getStatePair): it must be a normal open or unknown rule
		// with a selector of its own (or follow a selector-less rule), not the after-midnight part of
		// a span, not an additional rule. "off" rules never reset; they close the times they name.
		if (r.hasDate() || i > 0 && r.state == Open && !s.eval[i-1].hasDate()) &&
			(r.state == Open || r.state == Unknown) && !r.wrapped && !r.additional {
			matching = matching[:0]
		}
		matching = append(matching, i)
	}
	state, match := Closed, -1
	for _, i := range matching {
		r := &s.eval[i]
		if r.covers(m.minute) {
			state, match = r.state, i
		}
	}
	comment := ""
	if match >= 0 {
		if c := s.eval[match].comment; c != "" {
			comment = c
		} else if phRule == match {
			comment = phName
		}
	}
	return state, comment
}

// covers reports whether the rule's times include minute (a rule without times covers the day).
func (r *rule) covers(minute int) bool {
	if len(r.spans) == 0 {
		return true
	}
	for _, sp := range r.spans {
		if sp.start <= minute && minute < sp.end {
			return true
		}
	}
	return false
}

// matchDay tests the rule's selectors on d in the order opening_hours.js does (year, holiday, month
// and date, weekday), stopping at the first that fails. ph reports whether a PH selector matched,
// which makes the holiday's name the comment when this rule decides the state.
func (r *rule) matchDay(d *day) (ok, ph bool) {
	if r.holiday {
		if !d.isHoliday {
			return false, false
		}
		ph = true
	}
	if len(r.dates) > 0 && !slices.ContainsFunc(r.dates, func(dr dateRange) bool { return dr.contains(d) }) {
		return false, ph
	}
	if r.weekdays != 0 || r.weekdayPH {
		switch {
		case r.weekdayPH && d.isHoliday:
			ph = true
		case r.weekdays&(1<<d.weekday) != 0:
		default:
			return false, ph
		}
	}
	return true, ph
}

func (dr dateRange) contains(d *day) bool {
	from, to := dr.from, dr.to
	if from.day == 0 {
		from.day = 1
	}
	if to.day == 0 {
		to.day = 31
	}
	at := monthDay{month: d.month, day: d.dom}
	if from.year > 0 {
		at.year = d.year
		return compareMonthDay(from, at) <= 0 && compareMonthDay(at, to) <= 0
	}
	if compareMonthDay(from, to) <= 0 {
		return compareMonthDay(from, at) <= 0 && compareMonthDay(at, to) <= 0
	}
	return compareMonthDay(from, at) <= 0 || compareMonthDay(at, to) <= 0 // wraps over the new year
}

// segment is a piece of one day during which the state does not change.
type segment struct {
	start   int // minute of the day
	state   State
	comment string
}

// dayPlan splits the day that midnight starts into segments of constant state. The state can only
// change where a span of some rule starts or ends, so it is evaluated there.
func (s *Schedule) dayPlan(c *Calendar, midnight time.Time) []segment {
	m := c.Moment(midnight)
	cuts := []int{0}
	for i := range s.eval {
		for _, sp := range s.eval[i].spans {
			cuts = append(cuts, sp.start, sp.end)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var plan []segment
	for _, cut := range cuts {
		if cut >= minutesPerDay {
			break
		}
		m.minute = cut
		st, comment := s.StateAt(m)
		if len(plan) > 0 && plan[len(plan)-1].state == st && plan[len(plan)-1].comment == comment {
			continue
		}
		plan = append(plan, segment{cut, st, comment})
	}
	return plan
}

// maxLookahead bounds the search for the next change: a little over a year covers every rule the
// syntax subset can express (yearly ranges); beyond it the state never changes.
const maxLookahead = 400

// NextChange returns the first instant after t at which the state (open, closed or unknown) changes;
// ok is false when it does not change before limit.
func (s *Schedule) NextChange(c *Calendar, t, limit time.Time) (time.Time, bool) {
	t = t.In(Zone)
	cur, _ := s.StateAt(c.Moment(t))
	y, mo, d := t.Date()
	midnight := time.Date(y, mo, d, 0, 0, 0, 0, Zone)
	for i := 0; i < maxLookahead && !midnight.After(limit); i++ {
		for _, seg := range s.dayPlan(c, midnight) {
			at := midnight.Add(time.Duration(seg.start) * time.Minute)
			if !at.After(t) || seg.state == cur {
				continue
			}
			if !at.Before(limit) {
				return time.Time{}, false
			}
			return at, true
		}
		midnight = midnight.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

// Intervals returns the stretches of [from, to) during which the state is Open or Unknown, merged
// where neither the state nor the comment changes.
func (s *Schedule) Intervals(c *Calendar, from, to time.Time) []Interval {
	from, to = from.In(Zone), to.In(Zone)
	var out []Interval
	y, mo, d := from.Date()
	midnight := time.Date(y, mo, d, 0, 0, 0, 0, Zone)
	last := -1 // index in out of the interval still running at the previous segment, or -1
	for midnight.Before(to) {
		next := midnight.AddDate(0, 0, 1)
		plan := s.dayPlan(c, midnight)
		for k, seg := range plan {
			start := midnight.Add(time.Duration(seg.start) * time.Minute)
			end := next
			if k+1 < len(plan) {
				end = midnight.Add(time.Duration(plan[k+1].start) * time.Minute)
			}
			start, end = later(start, from), earlier(end, to)
			if !start.Before(end) {
				continue
			}
			if seg.state == Closed {
				last = -1
				continue
			}
			unknown := seg.state == Unknown
			if last >= 0 && out[last].Unknown == unknown && out[last].Comment == seg.comment && out[last].To.Equal(start) {
				out[last].To = end
				continue
			}
			out = append(out, Interval{From: start, To: end, Unknown: unknown, Comment: seg.comment})
			last = len(out) - 1
		}
		midnight = next
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
