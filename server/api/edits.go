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
	// HistoryPage returns a page of a station's audit trail, newest first, and the trail's length.
	HistoryPage(ctx context.Context, id string, offset, limit int) ([]station.AuditEntry, int, error)
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
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	page, perPage, err := p.page(20, 200)
	if err != nil {
		return err
	}
	entries, total, err := s.History.HistoryPage(c.Request().Context(), id, (page-1)*perPage, perPage)
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
	return c.JSON(http.StatusOK, map[string]any{"station_id": id, "entries": out, "total": total, "page": page, "per_page": perPage})
}

// unconfirmedAfter is how long a confirmation counts: a station not confirmed for longer needs a look.
const unconfirmedAfter = 180

// GET /api/v1/my/stations: the stations the signed-in user may edit (an operator's own, an admin's
// every one), as a FeatureCollection with every property and what needs attention: "attention":
// {open_reports, unconfirmed_days (null: never confirmed), hours_unknown}. Filters: city and district
// (adcodes), kinds, status (any of; default every status), unconfirmed_days=N (not confirmed for N days
// or never), open_reports=true, hours_unknown=true. sort=need puts what needs attention first (open
// reports, then not confirmed for 180 days, then hours unknown; the default for operators), sort=id
// by id (the default for admins). page and per_page (default: all of an operator's, 100 for admins).
// meta.counts are the stations with open reports, not confirmed for 180 days and with unknown hours
// among those the area, kind and status filters leave.
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
	admin := u.Role == auth.RoleAdmin
	var f stationFilter
	if err := f.read(p, admin); err != nil {
		return err
	}
	var reports map[string]int
	if s.ReportDesk != nil {
		if reports, err = s.ReportDesk.OpenReportCounts(c.Request().Context()); err != nil {
			return err
		}
	}
	now := s.Now()
	need := func(i int) attention {
		st := snap.Station(i)
		a := attention{openReports: reports[st.ID], unconfirmedDays: -1}
		if !st.VerifiedAt.IsZero() {
			a.unconfirmedDays = int(now.Sub(st.VerifiedAt).Hours() / 24)
		}
		a.hoursUnknown = st.OpeningHours == "" || snap.Hours(i).Status == hours.Unparsed
		return a
	}
	var candidates []int
	if admin {
		for i := range snap.Len() {
			candidates = append(candidates, i)
		}
	} else {
		for _, id := range u.Stations {
			if i, ok := snap.Lookup(id); ok {
				candidates = append(candidates, i)
			}
		}
		slices.Sort(candidates)
	}
	var positions []int
	var needs []attention
	var counts struct{ reports, unconfirmed, hoursUnknown int }
	for _, i := range candidates {
		if !f.place(snap.Station(i)) {
			continue
		}
		a := need(i)
		if a.openReports > 0 {
			counts.reports++
		}
		if a.unconfirmed(unconfirmedAfter) {
			counts.unconfirmed++
		}
		if a.hoursUnknown {
			counts.hoursUnknown++
		}
		if f.attention(a) {
			positions, needs = append(positions, i), append(needs, a)
		}
	}
	if f.byNeed {
		order := make([]int, len(positions))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(x, y int) int { return needs[x].compare(needs[y]) })
		sorted, sortedNeeds := make([]int, len(order)), make([]attention, len(order))
		for k, o := range order {
			sorted[k], sortedNeeds[k] = positions[o], needs[o]
		}
		positions, needs = sorted, sortedNeeds
	}
	total, perPage := len(positions), f.perPage
	if perPage == 0 {
		perPage = max(total, 1)
	}
	from, to := min((f.page-1)*perPage, total), min(f.page*perPage, total)
	at := snap.At(now)
	b := []byte(`{"type":"FeatureCollection","meta":{"total":` + strconv.Itoa(total) + `,"page":` + strconv.Itoa(f.page) +
		`,"per_page":` + strconv.Itoa(perPage) + `,"data_version":` + strconv.FormatInt(snap.Version, 10) +
		`,"counts":{"open_reports":` + strconv.Itoa(counts.reports) + `,"unconfirmed":` + strconv.Itoa(counts.unconfirmed) +
		`,"hours_unknown":` + strconv.Itoa(counts.hoursUnknown) + `}},"features":[`)
	for k := from; k < to; k++ {
		if k > from {
			b = append(b, ',')
		}
		b = snap.AppendFeature(b, positions[k], spatial.WGS84, codec.Dynamic{OpenNow: at.OpenNow(positions[k])})
		b = needs[k].insert(b)
	}
	b = append(b, "]}"...)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/geo+json", b)
}
