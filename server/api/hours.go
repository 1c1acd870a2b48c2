package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

type previewInterval struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Unknown bool   `json:"unknown"`
	Comment string `json:"comment,omitempty"`
}

type previewDay struct {
	Date      string            `json:"date"`
	Weekday   string            `json:"weekday"`          // Mo .. Su
	Holiday   *string           `json:"holiday"`          // public holiday name
	Workday   *string           `json:"adjusted_workday"` // a weekend day worked to make up for a holiday
	Intervals []previewInterval `json:"intervals"`        // open or unknown; the rest of the day is closed
}

type previewBody struct {
	Text       string       `json:"text"`
	Normalized string       `json:"normalized"`
	Status     hours.Status `json:"status"`
	At         string       `json:"at"`
	Open       *bool        `json:"open"`
	Comment    *string      `json:"comment"`
	NextChange *string      `json:"next_change"`
	Week       []previewDay `json:"week"`
}

// maxHoursText is the longest hours text accepted, in characters (the parser's limit is 2 KB).
const maxHoursText = 500

// GET /api/v1/hours/preview?text=&at=: what an hours text means, without saving it.
func (s *server) hoursPreview(c echo.Context) error {
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	text, ok, err := p.get("text")
	if err != nil {
		return err
	}
	text = station.Clean(text) // as an edit cleans it
	if !ok || text == "" {
		return station.Errorf(station.CodeMissingParameter, "text", "text (the opening hours to evaluate) is required")
	}
	if e := station.CheckText("text", text, maxHoursText); e != nil {
		return e
	}
	at, _, err := p.times()
	if err != nil {
		return err
	}
	cal := s.calendar()
	at = at.In(hours.Zone)
	res := hours.Normalize(text)
	body := previewBody{Text: text, Normalized: res.Normalized, Status: res.Status, At: at.Format(time.RFC3339)}
	if res.Schedule != nil {
		state, comment := res.Schedule.StateAt(cal.Moment(at))
		if state != hours.Unknown {
			open := state == hours.Open
			body.Open = &open
		}
		if comment != "" {
			body.Comment = &comment
		}
		if next, ok := res.Schedule.NextChange(cal, at, at.AddDate(1, 0, 1)); ok {
			s := next.Format(time.RFC3339)
			body.NextChange = &s
		}
	}
	y, m, d := at.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, hours.Zone)
	for i := 0; i < 7; i++ {
		from, to := midnight.AddDate(0, 0, i), midnight.AddDate(0, 0, i+1)
		day := previewDay{Date: from.Format(time.DateOnly), Weekday: from.Weekday().String()[:2], Intervals: []previewInterval{}}
		if name, ok := cal.Holiday(from.Year(), int(from.Month()), from.Day()); ok {
			day.Holiday = &name
		}
		if name, ok := cal.Workday(from.Year(), int(from.Month()), from.Day()); ok {
			day.Workday = &name
		}
		if res.Schedule == nil { // not understood: unknown all day, never closed
			day.Intervals = append(day.Intervals, previewInterval{from.Format(time.RFC3339), to.Format(time.RFC3339), true, ""})
		} else {
			for _, iv := range res.Schedule.Intervals(cal, from, to) {
				day.Intervals = append(day.Intervals, previewInterval{iv.From.Format(time.RFC3339), iv.To.Format(time.RFC3339), iv.Unknown, iv.Comment})
			}
		}
		body.Week = append(body.Week, day)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, body)
}

// calendar is the holiday calendar answers evaluate with: the served snapshot's (the built-in or
// configured one with the years admins stored), or the configured one while none is loaded.
func (s *server) calendar() *hours.Calendar {
	if snap := s.Catalog.Current(); snap != nil {
		return snap.Calendar()
	}
	if s.Calendar != nil {
		return s.Calendar
	}
	return hours.DefaultCalendar
}
