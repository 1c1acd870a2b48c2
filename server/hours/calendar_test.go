package hours_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/hours"
)

// The shipped calendar holds the State Council's arrangements: spot checks against the 2025 and 2026
// notices (国办发明电〔2024〕12号, 〔2025〕7号), including days moved to a weekend and back.
func TestDefaultCalendar(t *testing.T) {
	cal := hours.DefaultCalendar
	holidays := []struct {
		date, name string
	}{
		{"2025-01-28", "春节"}, {"2025-02-04", "春节"}, {"2025-05-05", "劳动节"}, {"2025-10-08", "国庆节、中秋节"},
		{"2026-01-03", "元旦"}, {"2026-02-15", "春节"}, {"2026-02-23", "春节"}, {"2026-06-19", "端午节"},
		{"2026-09-25", "中秋节"}, {"2026-10-07", "国庆节"},
	}
	for _, h := range holidays {
		d, _ := time.Parse(time.DateOnly, h.date)
		if name, ok := cal.Holiday(d.Year(), int(d.Month()), d.Day()); !ok || name != h.name {
			t.Errorf("%s: holiday %q %v, want %q", h.date, name, ok, h.name)
		}
	}
	for _, d := range []string{"2025-01-26", "2025-02-08", "2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"} {
		t0, _ := time.Parse(time.DateOnly, d)
		if _, ok := cal.Workday(t0.Year(), int(t0.Month()), t0.Day()); !ok {
			t.Errorf("%s should be an adjusted working day", d)
		}
		if _, ok := cal.Holiday(t0.Year(), int(t0.Month()), t0.Day()); ok {
			t.Errorf("%s is a working day, not a holiday", d)
		}
	}
	for _, d := range []string{"2026-02-24", "2026-10-08", "2026-03-08", "2026-05-06"} { // after the blocks, and Women's Day (not a day off for all)
		t0, _ := time.Parse(time.DateOnly, d)
		if _, ok := cal.Holiday(t0.Year(), int(t0.Month()), t0.Day()); ok {
			t.Errorf("%s is not a public holiday", d)
		}
	}
	// A year the file does not cover yet falls back to the fixed statutory days only.
	if cal.Covers(2031) {
		t.Fatal("test set-up: 2031 should not be covered")
	}
	if _, ok := cal.Holiday(2031, 10, 2); !ok {
		t.Error("2031-10-02 is a statutory holiday")
	}
	if _, ok := cal.Holiday(2031, 10, 4); ok {
		t.Error("2031-10-04 is not known to be a holiday before the arrangement is published")
	}
}

// PH in rules follows the calendar: National Day closes a Mo-Fr office, the Saturday worked for it
// does not open it (OSM syntax has no selector for adjusted working days; the preview shows them).
func TestPHFollowsCalendar(t *testing.T) {
	s, err := hours.Parse("Mo-Fr 08:00-17:00; PH off")
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]hours.State{
		"2026-09-30T10:00:00+08:00": hours.Open,
		"2026-10-01T10:00:00+08:00": hours.Closed,
		"2026-10-08T10:00:00+08:00": hours.Open,
		"2026-10-10T10:00:00+08:00": hours.Closed,
		"2026-02-23T10:00:00+08:00": hours.Closed, // a Monday inside the Spring Festival block
	} {
		t0, _ := time.Parse(time.RFC3339, at)
		if got, comment := s.StateAt(hours.DefaultCalendar.Moment(t0)); got != want {
			t.Errorf("%s: %s (%q), want %s", at, got, comment, want)
		}
	}
}

func TestReadCalendarErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"date,kind\n2026-01-01,holiday\n", "wrong number of fields"},
		{"day,kind,name\n", "header"},
		{"date,kind,name\n2026-13-01,holiday,x\n", "row 2"},
		{"date,kind,name\n2026-10-09,workday,x\n", "not a weekend day"},
		{"date,kind,name\n2026-10-01,holiday,x\n2026-10-01,holiday,x\n", "listed twice"},
		{"date,kind,name\n2026-10-01,vacation,x\n", "kind"},
	} {
		if _, err := hours.ReadCalendar(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %q", c.text, err, c.want)
		}
	}
}
