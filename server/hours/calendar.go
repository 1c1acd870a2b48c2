package hours

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Calendar knows mainland China's public holidays (what PH means) and the official adjusted working
// days (调休上班日). It is data, not code: the State Council publishes each year's arrangement in the
// autumn, and admins add it to the calendar file (see holidays_cn.csv for the format and sources).
type Calendar struct {
	days  map[civil]calendarDay
	years map[int]bool // years the file covers
}

type civil struct{ year, month, day int }

type calendarDay struct {
	workday bool // an adjusted working day rather than a holiday
	name    string
}

//go:embed holidays_cn.csv
var defaultCalendar string

// DefaultCalendar is the calendar shipped with this build.
var DefaultCalendar = mustCalendar(defaultCalendar)

func mustCalendar(text string) *Calendar {
	c, err := ReadCalendar(strings.NewReader(text))
	if err != nil {
		panic("hours: the embedded holiday calendar is invalid: " + err.Error())
	}
	return c
}

// ReadCalendar reads a calendar in the format of holidays_cn.csv: lines starting with "#" are comments,
// then a header "date,kind,name" and one row per date, kind "holiday" or "workday".
func ReadCalendar(r io.Reader) (*Calendar, error) {
	var lines []string
	text, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	cr := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	cr.FieldsPerRecord = 3
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "date,kind,name" {
		return nil, fmt.Errorf("holiday calendar: the header must be date,kind,name")
	}
	c := &Calendar{days: map[civil]calendarDay{}, years: map[int]bool{}}
	for i, row := range rows[1:] {
		t, err := time.Parse(time.DateOnly, row[0])
		if err != nil {
			return nil, fmt.Errorf("holiday calendar row %d: date %q: want YYYY-MM-DD", i+2, row[0])
		}
		var d calendarDay
		switch row[1] {
		case "holiday":
		case "workday":
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("holiday calendar row %d: %s is a %s, not a weekend day", i+2, row[0], wd)
			}
			d.workday = true
		default:
			return nil, fmt.Errorf("holiday calendar row %d: kind %q: want holiday or workday", i+2, row[1])
		}
		d.name = row[2]
		key := civil{t.Year(), int(t.Month()), t.Day()}
		if _, dup := c.days[key]; dup {
			return nil, fmt.Errorf("holiday calendar row %d: %s is listed twice", i+2, row[0])
		}
		c.days[key] = d
		c.years[t.Year()] = true
	}
	return c, nil
}

// statutory are the public holidays on fixed solar dates that the national regulation
// (全国年节及纪念日放假办法) grants every year. For a year the calendar does not cover yet, they are
// the holidays PH means: the lunar festivals and the days moved around them are not known until the
// year's arrangement is published.
var statutory = map[[2]int]string{
	{1, 1}: "元旦", {5, 1}: "劳动节", {5, 2}: "劳动节", {10, 1}: "国庆节", {10, 2}: "国庆节", {10, 3}: "国庆节",
}

// Holiday reports whether the date is a public holiday, with its name.
func (c *Calendar) Holiday(year, month, day int) (string, bool) {
	if c == nil {
		return "", false
	}
	if !c.years[year] {
		name, ok := statutory[[2]int{month, day}]
		return name, ok
	}
	d, ok := c.days[civil{year, month, day}]
	if !ok || d.workday {
		return "", false
	}
	return d.name, true
}

// Workday reports whether the date is an adjusted working day (a weekend day people work), with the
// festival it was moved for.
func (c *Calendar) Workday(year, month, day int) (string, bool) {
	if c == nil {
		return "", false
	}
	d, ok := c.days[civil{year, month, day}]
	if !ok || !d.workday {
		return "", false
	}
	return d.name, true
}

// Covers reports whether the calendar holds the official arrangement for year.
func (c *Calendar) Covers(year int) bool { return c != nil && c.years[year] }

// NewCalendar makes a calendar of exactly the given public holidays (date → name), covering every year
// they fall in. Tests use it to evaluate with another implementation's holiday list.
func NewCalendar(holidays map[time.Time]string, years ...int) *Calendar {
	c := &Calendar{days: map[civil]calendarDay{}, years: map[int]bool{}}
	for _, y := range years {
		c.years[y] = true
	}
	for t, name := range holidays {
		c.days[civil{t.Year(), int(t.Month()), t.Day()}] = calendarDay{name: name}
		c.years[t.Year()] = true
	}
	return c
}

// Holidays lists the calendar's public holidays (YYYY-MM-DD → name) and the years it covers, for
// clients that evaluate hours themselves (the PWA, offline). For other years they fall back to the
// statutory days, as Holiday does.
func (c *Calendar) Holidays() (map[string]string, []int) {
	days := map[string]string{}
	var years []int
	if c == nil {
		return days, years
	}
	for d, cd := range c.days {
		if !cd.workday {
			days[fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)] = cd.name
		}
	}
	for y := range c.years {
		years = append(years, y)
	}
	slices.Sort(years)
	return days, years
}

// Year is one year's official arrangement as stored (imported from a notice): it replaces what the
// built-in file says for that year.
type Year struct {
	Year int
	Days []Day
}

// StoredYear is a year imported by an admin, with who stored it and when.
type StoredYear struct {
	Year int
	Days []Day
	By   string
	At   time.Time
}

// With returns a copy of c in which each given year's days replace c's for that year, and the year is
// covered. Days in the December before (the 元旦 block of 2019 began on 2018-12-30) are added to that
// year when it is covered, and dropped otherwise: an uncovered year falls back to the statutory days.
// Days are expected to be checked (write.CheckHolidays); a malformed one is skipped.
func (c *Calendar) With(years []Year) *Calendar {
	out := &Calendar{days: map[civil]calendarDay{}, years: map[int]bool{}}
	if c != nil {
		maps.Copy(out.days, c.days)
		maps.Copy(out.years, c.years)
	}
	for _, y := range years {
		for k := range out.days {
			if k.year == y.Year {
				delete(out.days, k)
			}
		}
		out.years[y.Year] = true
	}
	for _, y := range years {
		for _, d := range y.Days {
			t, err := time.Parse(time.DateOnly, d.Date)
			if err != nil || (t.Year() != y.Year && !out.years[t.Year()]) {
				continue
			}
			out.days[civil{t.Year(), int(t.Month()), t.Day()}] = calendarDay{workday: d.Kind == "workday", name: d.Name}
		}
	}
	return out
}

// Years lists the years the calendar covers, in order.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	years := slices.Collect(maps.Keys(c.years))
	slices.Sort(years)
	return years
}

// Days lists the calendar's days of one year (holidays and adjusted working days) in date order.
func (c *Calendar) Days(year int) []Day {
	var out []Day
	if c == nil {
		return out
	}
	for k, d := range c.days {
		if k.year == year {
			kind := "holiday"
			if d.workday {
				kind = "workday"
			}
			out = append(out, Day{Date: fmt.Sprintf("%04d-%02d-%02d", k.year, k.month, k.day), Kind: kind, Name: d.name})
		}
	}
	sortDays(out)
	return out
}
