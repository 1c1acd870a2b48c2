package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// HistoryStore reads stations' audit trails. *sqlite.DB satisfies it.
type HistoryStore interface {
	// History returns a station's audit trail, newest first.
	History(ctx context.Context, id string, limit int) ([]station.AuditEntry, error)
}

// maxPatchBody bounds an edit: every text field at its limit in 4-byte characters, with room to spare.
const maxPatchBody = 16 << 10

// mayEdit reports whether the signed-in user may edit station id: admins any station there is,
// operators their own (signedIn loaded them with the session). An unknown id is 404 before anything
// else is looked at; another operator's station is answered alike, so ids cannot be probed.
func (s *server) mayEdit(u auth.User, id string) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if _, ok := snap.Lookup(id); !ok ||
		!auth.CanEdit(u, id, func(_ int64, sid string) bool { return slices.Contains(u.Stations, sid) }) {
		return unknownStation(id)
	}
	return nil
}

// PATCH /api/v1/stations/:id with If-Match: "<version>": change a station. Operators may change
// opening_hours, amenities, status, status_note, phone and set verified (stamps verified_at); admins
// every field. A request naming a field the user may not change is refused whole.
func (s *server) editStation(c echo.Context) error {
	if s.Writer == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server cannot change stations")
	}
	u, _ := signedInUser(c)
	id := c.Param("id")
	if err := s.mayEdit(u, id); err != nil {
		return err
	}
	ifMatch := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if ifMatch == "" {
		return station.Errorf(station.CodePreconditionNeeded, "If-Match",
			`send If-Match: "<version>" with the version you edited, so that nobody's newer change is overwritten`)
	}
	version, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(ifMatch, "W/"), `"`), 10, 64)
	if err != nil || version < 1 {
		return station.Errorf(station.CodeInvalidParameter, "If-Match", `If-Match must be the station's ETag, such as "3"`)
	}
	p := station.Patch{}
	if p.Given, err = readObject(c, maxPatchBody, p.Members()); err != nil {
		return err
	}
	edited, err := s.Writer.Edit(c.Request().Context(), station.Actor{UserID: u.ID, Name: u.Username}, u.Role == auth.RoleAdmin,
		id, version, &p)
	if station.ErrorCode(err) == station.CodeVersionConflict {
		return &conflict{err: err, current: edited}
	}
	if err != nil {
		return err
	}
	return s.writeStation(c, edited)
}

// conflict is a version_conflict that carries the current station, which the answer includes so the
// editor can show what changed (412).
type conflict struct {
	err     error
	current station.Station
}

func (e *conflict) Error() string { return e.err.Error() }
func (e *conflict) Unwrap() error { return e.err }

// writeStation answers one station as a Feature with every property and its ETag.
func (s *server) writeStation(c echo.Context, st station.Station) error {
	c.Response().Header().Set("ETag", `"`+strconv.FormatInt(st.Version, 10)+`"`)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/geo+json", stationFeature(st, s.calendar(), s.Now()))
}

// stationFeature renders one station as the single-station answer does, open_now at now.
func stationFeature(st station.Station, cal *hours.Calendar, now time.Time) []byte {
	return catalog.RenderStation(&st, spatial.WGS84, codec.Dynamic{OpenNow: catalog.OpenNow(&st, cal, now)})
}

// GET /api/v1/stations/:id/history: who changed what, when, before and after, newest first.
func (s *server) stationHistory(c echo.Context) error {
	if s.History == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server keeps no history")
	}
	u, _ := signedInUser(c)
	id := c.Param("id")
	if err := s.mayEdit(u, id); err != nil {
		return err
	}
	entries, err := s.History.History(c.Request().Context(), id, 500)
	if err != nil {
		return err
	}
	type entry struct {
		station.AuditEntry
		At string `json:"at"`
	}
	out := make([]entry, len(entries))
	for i, e := range entries {
		out[i] = entry{e, e.At.In(codec.Shanghai).Format(time.RFC3339)}
	}
	return c.JSON(http.StatusOK, map[string]any{"station_id": id, "entries": out})
}

// GET /api/v1/my/stations: the stations the signed-in user may edit, as a FeatureCollection with every
// property; admins get all of them a page at a time (page, per_page up to 1000).
func (s *server) myStations(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	u, _ := signedInUser(c)
	var positions []int
	page, perPage, total := 1, 0, 0
	if u.Role == auth.RoleAdmin {
		if page, err = p.integer("page", 1, 1, 1<<20); err != nil {
			return err
		}
		if perPage, err = p.integer("per_page", 100, 1, 1000); err != nil {
			return err
		}
		total = snap.Len()
		for i := (page - 1) * perPage; i < total && i < page*perPage; i++ {
			positions = append(positions, i)
		}
	} else {
		for _, id := range u.Stations {
			if i, ok := snap.Lookup(id); ok {
				positions = append(positions, i)
			}
		}
		slices.Sort(positions)
		total, perPage = len(positions), len(positions)
	}
	at := snap.At(s.Now())
	b := []byte(`{"type":"FeatureCollection","meta":{"total":` + strconv.Itoa(total) + `,"page":` + strconv.Itoa(page) +
		`,"per_page":` + strconv.Itoa(perPage) + `,"data_version":` + strconv.FormatInt(snap.Version, 10) + `},"features":[`)
	for k, i := range positions {
		if k > 0 {
			b = append(b, ',')
		}
		b = snap.AppendFeature(b, i, spatial.WGS84, codec.Dynamic{OpenNow: at.OpenNow(i)})
	}
	b = append(b, "]}"...)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/geo+json", b)
}
