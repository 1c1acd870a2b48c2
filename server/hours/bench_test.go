package hours_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/hours"
)

// BenchmarkPreview is what GET /api/v1/hours/preview does for one text: normalise, evaluate at an
// instant, find the next change within a year and list a week of intervals. The large inputs are the
// worst the fuzz target allows (2 KB): many rules, or many spans in one rule, or untranslatable text.
func BenchmarkPreview(b *testing.B) {
	var rules, spans []string
	for d := 0; len(strings.Join(rules, "; ")) < 2000; d++ {
		rules = append(rules, fmt.Sprintf("%s %02d:%02d-%02d:%02d", []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}[d%7], d%24, d%60, (d+7)%24, (d+31)%60))
	}
	for m := 0; len(strings.Join(spans, ",")) < 2000; m += 3 {
		spans = append(spans, fmt.Sprintf("%02d:%02d-%02d:%02d", m/60, m%60, (m+1)/60, (m+1)%60))
	}
	at := time.Date(2026, 1, 15, 23, 40, 0, 0, hours.Zone)
	cal := hours.DefaultCalendar
	for _, tc := range []struct{ name, text string }{
		{"osm-typical", "Mo-Fr 08:30-11:30,13:30-17:00; PH off"},
		{"chinese-typical", "冬季（11月-3月）8:30-16:30，夏季（4月-10月）8:00-18:00"},
		{"2KB-many-rules", strings.Join(rules, "; ")},
		{"2KB-many-spans", "Mo-Fr " + strings.Join(spans, ",")},
		{"2KB-unparsed", strings.Repeat("随到随开", 170)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res := hours.Normalize(tc.text)
				if res.Schedule == nil {
					continue
				}
				res.Schedule.StateAt(cal.Moment(at))
				res.Schedule.NextChange(cal, at, at.AddDate(1, 0, 1))
				res.Schedule.Intervals(cal, at, at.AddDate(0, 0, 7))
			}
		})
	}
}

// BenchmarkStateAt is the per-schedule cost of the open-now filter's minute table.
func BenchmarkStateAt(b *testing.B) {
	s, err := hours.Parse("Nov-Mar Mo-Fr 08:30-16:30; Apr-Oct Mo-Fr 08:00-18:00; Sa 09:00-12:00; PH off")
	if err != nil {
		b.Fatal(err)
	}
	m := hours.DefaultCalendar.Moment(time.Date(2026, 1, 15, 23, 40, 0, 0, hours.Zone))
	for b.Loop() {
		s.StateAt(m)
	}
}
