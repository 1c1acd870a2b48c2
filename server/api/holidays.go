package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// HolidayStore lists the years of the holiday arrangement that admins imported. *sqlite.DB is one.
type HolidayStore interface {
	HolidayYears(ctx context.Context) ([]hours.StoredYear, error)
}

// maxNoticeBody admits a pasted notice (about 2 KB) with room, so that a far longer text reaches the
// parser and is told what a notice is, rather than only that it is too large.
const maxNoticeBody = 1 << 20

// holidayYearBody is one covered year: built into the binary or imported (by whom, when).
type holidayYearBody struct {
	Year     int         `json:"year"`
	Source   string      `json:"source"` // built_in or imported
	By       *string     `json:"by"`
	At       *string     `json:"at"`
	Holidays int         `json:"holidays"` // days off
	Workdays int         `json:"workdays"` // adjusted working days
	Days     []hours.Day `json:"days"`
}

type holidaysListBody struct {
	Years []holidayYearBody `json:"years"`
	coverageBody
}

// coverageBody says which years the calendar covers and whether the next one is among them.
type coverageBody struct {
	Covered          []int `json:"covered"`
	NextYear         int   `json:"next_year"`
	NextYearCovered  bool  `json:"next_year_covered"`
	NextYearExpected bool  `json:"next_year_expected"` // from 1 October: the notice is usually out
}

// coverage is cal's coverage seen at now (Asia/Shanghai): the notice for next year is usually published
// from October on, so from 1 October a missing next year is something an admin should do.
func coverage(cal *hours.Calendar, now time.Time) coverageBody {
	now = now.In(hours.Zone)
	next := now.Year() + 1
	years := cal.Years()
	if years == nil { // a calendar of none
		years = []int{}
	}
	return coverageBody{Covered: years, NextYear: next, NextYearCovered: cal.Covers(next), NextYearExpected: now.Month() >= time.October}
}

// GET /api/v1/admin/holidays: the years the calendar covers, where each came from, and its days.
func (s *server) listHolidays(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	cal := snap.Calendar()
	stored := map[int]hours.StoredYear{}
	if s.Holidays != nil {
		years, err := s.Holidays.HolidayYears(c.Request().Context())
		if err != nil {
			return err
		}
		for _, y := range years {
			stored[y.Year] = y
		}
	}
	body := holidaysListBody{Years: []holidayYearBody{}, coverageBody: coverage(cal, s.Now())}
	for _, y := range body.Covered {
		days := cal.Days(y)
		yb := holidayYearBody{Year: y, Source: "built_in", Days: days}
		for _, d := range days {
			if d.Kind == "workday" {
				yb.Workdays++
			} else {
				yb.Holidays++
			}
		}
		if st, ok := stored[y]; ok {
			at := st.At.In(hours.Zone).Format(time.RFC3339)
			yb.Source, yb.By, yb.At = "imported", &st.By, &at
		}
		body.Years = append(body.Years, yb)
	}
	return c.JSON(http.StatusOK, body)
}

// POST /api/v1/admin/holidays/parse {text}: what a pasted notice says, not stored. A text that is not
// understood whole is 422 invalid_notice saying what and where.
func (s *server) parseHolidays(c echo.Context) error {
	var text string
	given, err := readObject(c, maxNoticeBody, map[string]any{"text": &text})
	if err != nil {
		return err
	}
	if !given["text"] {
		return station.Errorf(station.CodeMissingParameter, "text", "%s is required", "text")
	}
	n, err := hours.ParseNotice(text)
	var ne *hours.NoticeError
	if errors.As(err, &ne) {
		return station.NoticeProblem(ne)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, noticeBody{Notice: n, Festivals: hours.Festivals(n.Days)})
}

type noticeBody struct {
	hours.Notice
	Festivals []hours.Festival `json:"festivals"`
}

// PUT /api/v1/admin/holidays/:year {days}: store a year's days in place of the calendar's (audited).
// Every answer evaluates opening hours with them from the next request on.
func (s *server) putHolidays(c echo.Context) error {
	if s.Writer == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server cannot store holidays")
	}
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || len(c.Param("year")) != 4 {
		return station.Errorf(station.CodeInvalidParameter, "year", "the year must be four digits, such as 2027")
	}
	var days []hours.Day
	given, err := readObject(c, maxNoticeBody, map[string]any{"days": &days})
	if err != nil {
		return err
	}
	if !given["days"] {
		return station.Errorf(station.CodeMissingParameter, "days", "%s is required", "days")
	}
	u, _ := signedInUser(c)
	if err := s.Writer.SetHolidays(c.Request().Context(), year, days, station.Actor{UserID: u.ID, Name: u.Username}); err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	stored := slices.Clone(days)
	at := s.Now().In(hours.Zone).Format(time.RFC3339)
	return c.JSON(http.StatusOK, map[string]any{"year": year, "source": "imported", "by": u.Username, "at": at,
		"days": stored, "coverage": coverage(snap.Calendar(), s.Now())})
}
