package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

// DefaultVisitLimit lets one client address record 30 visits at once and then one every 10 seconds: a
// carrier's NAT puts many riders behind one address, and each counts once per station and day anyway.
var DefaultVisitLimit = RateLimit{Burst: 30, Every: 10 * time.Second, MaxClients: 10000}

// maxVisitBody bounds {"device": ...} and {"count": ...}.
const maxVisitBody = 1 << 10

// visitBody answers a recorded visit.
type visitBody struct {
	StationID string `json:"station_id"`
	Day       string `json:"day"`
	Counted   bool   `json:"counted"`
}

// POST /api/v1/stations/:id/visits {device}: a rider says "I'm here". 201 when counted, 200 when the
// device was counted at this station today already. Like a report, only a visit about to be stored
// spends a token of the client's limit.
func (s *server) recordVisit(c echo.Context) error {
	if s.Writer == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server does not count visits")
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, ok := snap.Lookup(id); !ok {
		return unknownStation(id)
	}
	var device string
	if _, err := readObject(c, maxVisitBody, map[string]any{"device": &device}); err != nil {
		return err
	}
	if e := write.CheckDevice(device); e != nil {
		return e
	}
	if err := limited(c, s.visitLimiter, clientKey(clientAddr(c)), s.Now(), station.Msg("visits from this address")); err != nil {
		return err
	}
	day, counted, err := s.Writer.RecordVisit(c.Request().Context(), id, device)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if counted {
		status = http.StatusCreated
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(status, visitBody{StationID: id, Day: day, Counted: counted})
}

// PUT /api/v1/stations/:id/visits/:date {count}: the people a station served that day without the app,
// recorded by its operator or an admin; the last value stands.
func (s *server) setServed(c echo.Context) error {
	if s.Writer == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server does not count visits")
	}
	u, _ := signedInUser(c)
	id := c.Param("id")
	if err := s.mayEdit(u, id); err != nil {
		return err
	}
	var count int64
	given, err := readObject(c, maxVisitBody, map[string]any{"count": &count})
	if err != nil {
		return err
	}
	if !given["count"] {
		return station.Errorf(station.CodeMissingParameter, "count", "count (the people served that day without the app) is required")
	}
	v, err := s.Writer.SetServed(c.Request().Context(), station.Actor{UserID: u.ID, Name: u.Username}, id, c.Param("date"), count)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, servedBody{VisitDay: v, Visits: v.Visits()})
}

// servedBody is a day's visits as the API shows them.
type servedBody struct {
	station.VisitDay
	Visits int64 `json:"visits"`
}
