package write

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// HolidayStore keeps the years of the holiday arrangement that admins import. *sqlite.DB is one.
type HolidayStore interface {
	SaveHolidayYear(ctx context.Context, year int, days []hours.Day, actor station.Actor, now time.Time) (int64, error)
}

// MaxHolidayDays bounds one year's days: a real year has about 40.
const MaxHolidayDays = 120

// CheckHolidays checks one year's days before they are stored. A day belongs to the year, except that
// the 元旦 block and its 调休 workday may begin in the last week of the December before (2019's began
// on 2018-12-30, 2023's on 2022-12-31): those days apply to that December when its year is covered.
// Kinds are holiday or workday (a Saturday or Sunday), dates appear once, names are not empty, and a
// year has at least one day off. The first problem is the error, naming the row (days[3].date).
func CheckHolidays(year int, days []hours.Day) *station.Error {
	if year < 2000 || year > 2200 {
		return station.Errorf(station.CodeOutOfRange, "year", "the year must be between 2000 and 2200, not %d", year)
	}
	if len(days) > MaxHolidayDays {
		return station.Errorf(station.CodeOutOfRange, "days", "a year has at most %d days off and working days, not %d", MaxHolidayDays, len(days))
	}
	seen := map[string]int{}
	holidays := 0
	for i, d := range days {
		field := fmt.Sprintf("days[%d]", i)
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			return station.Errorf(station.CodeInvalidParameter, field+".date", "%q is not a date: write it as %d-02-06", d.Date, year)
		}
		lastWeek := t.Year() == year-1 && t.Month() == time.December && t.Day() >= 25
		if t.Year() != year && !lastWeek {
			return station.Errorf(station.CodeInvalidParameter, field+".date", "%s is not in %d (only the 元旦 block may begin in the last week of the December before)", d.Date, year)
		}
		if j, dup := seen[d.Date]; dup {
			return station.Errorf(station.CodeInvalidParameter, field+".date", "%s is listed twice (also days[%d])", d.Date, j)
		}
		seen[d.Date] = i
		switch d.Kind {
		case "holiday":
			holidays++
		case "workday":
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return station.Errorf(station.CodeInvalidParameter, field+".kind", "%s is a weekday: an adjusted working day is a Saturday or Sunday", d.Date)
			}
		default:
			return station.Errorf(station.CodeInvalidParameter, field+".kind", "kind %q: want holiday or workday", d.Kind)
		}
		if name := strings.TrimSpace(d.Name); name == "" || utf8.RuneCountInString(name) > 40 || name != d.Name {
			return station.Errorf(station.CodeInvalidParameter, field+".name", "the name of %s must be 1 to 40 characters without spaces around it, such as 春节", d.Date)
		}
		if lastWeek && !strings.Contains(d.Name, "元旦") {
			return station.Errorf(station.CodeInvalidParameter, field+".date", "%s is not in %d (only the 元旦 block may begin in the last week of the December before)", d.Date, year)
		}
	}
	if holidays == 0 {
		return station.Errorf(station.CodeInvalidParameter, "days", "the year %d has no day off", year)
	}
	return nil
}

// SetHolidays stores year's days (checked first) with an audit entry, and makes every reader evaluate
// opening hours with them from the next request on: the snapshot is rebuilt with the new calendar.
func (w *Writer) SetHolidays(ctx context.Context, year int, days []hours.Day, actor station.Actor) error {
	if e := CheckHolidays(year, days); e != nil {
		return e
	}
	store, ok := w.Store.(HolidayStore)
	if !ok {
		return station.Errorf(station.CodeUnavailable, "", "this server cannot store holidays")
	}
	return w.locked(func() error {
		version, err := store.SaveHolidayYear(ctx, year, days, actor, w.Now())
		if err != nil || w.Catalog == nil {
			return err
		}
		if cur := w.Catalog.Current(); cur != nil && w.Catalog.SetCalendar(version, cur.Calendar().With([]hours.Year{{Year: year, Days: days}})) {
			return nil
		}
		if w.Reload != nil { // another process wrote meanwhile: everything from the database
			if err := w.Reload(ctx); err != nil {
				w.Log.Error("reloading after storing holidays", "err", err)
			}
		}
		return nil
	})
}
