package hours

import (
	"fmt"
	"strings"
)

// String prints the schedule in canonical OpenStreetMap syntax: rules joined by "; " (or ", " for
// additional rules), selectors in the order dates, PH, weekdays, times, then the modifier and comment;
// times as HH:MM with spans past midnight ending on the next day's clock (22:00-02:00) unless they
// last a day or more (02:00-26:00).
func (s *Schedule) String() string {
	var b strings.Builder
	for i, r := range s.rules {
		if i > 0 {
			if r.additional {
				b.WriteString(", ")
			} else {
				b.WriteString("; ")
			}
		}
		r.print(&b)
	}
	return b.String()
}

func (r *rule) print(b *strings.Builder) {
	var parts []string
	if len(r.dates) > 0 {
		ds := make([]string, len(r.dates))
		for i, d := range r.dates {
			ds[i] = d.String()
		}
		parts = append(parts, strings.Join(ds, ","))
	}
	if r.holiday {
		parts = append(parts, "PH")
	}
	if r.weekdays != 0 || r.weekdayPH {
		parts = append(parts, weekdayList(r.weekdays, r.weekdayPH))
	}
	if r.always {
		parts = append(parts, "24/7")
	} else if len(r.spans) > 0 {
		ts := make([]string, len(r.spans))
		for i, sp := range r.spans {
			end := sp.end
			if end > minutesPerDay && end-minutesPerDay < sp.start {
				end -= minutesPerDay // 22:00-02:00; a span of a day or more keeps 02:00-26:00
			}
			ts[i] = clock(sp.start) + "-" + clock(end)
		}
		parts = append(parts, strings.Join(ts, ","))
	}
	switch {
	case r.state == Closed:
		parts = append(parts, "off")
	case r.state == Unknown:
		parts = append(parts, "unknown")
	case !r.printed || r.comment != "": // a bare comment would make the rule unknown
		parts = append(parts, "open")
	}
	if r.comment != "" {
		parts = append(parts, `"`+r.comment+`"`)
	}
	b.WriteString(strings.Join(parts, " "))
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// weekdayList prints a weekday set as ranges (Mo-Fr,Su), a wrapping range where that is shorter
// (Sa-Mo), and PH last.
func weekdayList(set uint8, ph bool) string {
	var items []string
	if set == 0x7f {
		items = append(items, "Mo-Su")
	} else if set != 0 {
		// A run of three or more days crossing Sunday to Monday prints as one wrapping range (Sa-Mo):
		// start after the gap before it. Otherwise start on Monday.
		first := 0
		if set&1 != 0 && set&(1<<6) != 0 {
			back := 0
			for back < 7 && set&(1<<((13-back)%7)) != 0 {
				back++
			}
			fwd := 0
			for fwd < 7 && set&(1<<fwd) != 0 {
				fwd++
			}
			if back+fwd >= 3 {
				first = (7 - back) % 7
			}
		}
		for k := 0; k < 7; {
			d := (first + k) % 7
			if set&(1<<d) == 0 {
				k++
				continue
			}
			run := 1
			for k+run < 7 && set&(1<<((first+k+run)%7)) != 0 {
				run++
			}
			last := (d + run - 1) % 7
			switch run {
			case 1:
				items = append(items, weekdayNames[d])
			case 2:
				items = append(items, weekdayNames[d], weekdayNames[last])
			default:
				items = append(items, weekdayNames[d]+"-"+weekdayNames[last])
			}
			k += run
		}
	}
	if ph {
		items = append(items, "PH")
	}
	return strings.Join(items, ",")
}

func (d dateRange) String() string {
	from := d.from.String(true)
	if d.to == d.from {
		return from
	}
	switch {
	case d.from.day > 0 && d.to.year == d.from.year && d.to.month == d.from.month:
		return fmt.Sprintf("%s-%02d", from, d.to.day)
	default:
		return from + "-" + d.to.String(d.to.year != d.from.year)
	}
}

func (md monthDay) String(withYear bool) string {
	s := monthNames[md.month]
	if md.day > 0 {
		s = fmt.Sprintf("%s %02d", s, md.day)
	}
	if withYear && md.year > 0 {
		s = fmt.Sprintf("%d %s", md.year, s)
	}
	return s
}
