package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// ReportDesk is where operators and admins see and resolve reports. *sqlite.DB satisfies it.
type ReportDesk interface {
	// Reports lists reports, newest first, and how many f selects beyond its page.
	Reports(ctx context.Context, f station.ReportFilter) ([]station.Report, int, error)
	// OpenReportCounts is how many open reports each station has (none: left out).
	OpenReportCounts(ctx context.Context) (map[string]int, error)
	// ResolveReport marks a report resolved: not_found (also when allowed refuses its station).
	ResolveReport(ctx context.Context, id int64, by string, now time.Time, allowed func(stationID string) bool) (station.Report, error)
}

type managedReport struct {
	reportBody
	StationName string  `json:"station_name"`
	Client      string  `json:"client"`
	ResolvedAt  *string `json:"resolved_at"`
	ResolvedBy  *string `json:"resolved_by"`
}

func (s *server) reportJSON(r station.Report, names func(string) string) managedReport {
	m := managedReport{
		reportBody: reportBody{ID: r.ID, StationID: r.StationID, Reason: r.Reason.String(), Note: r.Note, Status: r.Status.String(),
			CreatedAt: r.CreatedAt.In(codec.Shanghai).Format(time.RFC3339)},
		StationName: names(r.StationID), Client: r.Client,
	}
	if r.Status == station.ReportResolved {
		at := r.ResolvedAt.In(codec.Shanghai).Format(time.RFC3339)
		m.ResolvedAt, m.ResolvedBy = &at, &r.ResolvedBy
	}
	return m
}

// stationsOf returns the stations the signed-in user acts for: nil (all) for an admin.
func stationsOf(u auth.User) []string {
	if u.Role == auth.RoleAdmin {
		return nil
	}
	if u.Stations == nil {
		return []string{}
	}
	return u.Stations
}

// GET /api/v1/my/reports (the reports on my stations; admins: all) and GET /api/v1/admin/reports.
// ?status=open lists only open ones.
func (s *server) listReports(c echo.Context) error {
	if s.ReportDesk == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server keeps no reports")
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	f := station.ReportFilter{}
	if v, ok, err := p.get("status"); err != nil {
		return err
	} else if ok {
		switch v {
		case "open":
			f.OpenOnly = true
		case "all":
		default:
			return station.Errorf(station.CodeInvalidParameter, "status", "status %q is not open or all", v)
		}
	}
	page, perPage, err := p.page(50, 200)
	if err != nil {
		return err
	}
	f.Offset, f.Limit = (page-1)*perPage, perPage
	u, _ := signedInUser(c)
	f.StationIDs = stationsOf(u)
	reports, total, err := s.ReportDesk.Reports(c.Request().Context(), f)
	if err != nil {
		return err
	}
	names := s.stationNames()
	out := make([]managedReport, len(reports))
	for i, r := range reports {
		out[i] = s.reportJSON(r, names)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, map[string]any{"reports": out, "total": total, "page": page, "per_page": perPage})
}

// PATCH /api/v1/reports/:id {"status": "resolved"}: an operator marks a report on their station
// resolved (admins any).
func (s *server) resolveReport(c echo.Context) error {
	if s.ReportDesk == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server keeps no reports")
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return station.Errorf(station.CodeNotFound, "id", "no report has id %.40q", c.Param("id"))
	}
	var status string
	if _, err := readObject(c, 1024, map[string]any{"status": &status}); err != nil {
		return err
	}
	if status != "resolved" {
		return station.Errorf(station.CodeInvalidParameter, "status", `status can only be set to "resolved"`)
	}
	u, _ := signedInUser(c)
	mine := stationsOf(u)
	r, err := s.ReportDesk.ResolveReport(c.Request().Context(), id, u.Username, s.Now(), func(sid string) bool {
		return mine == nil || slices.Contains(mine, sid)
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, s.reportJSON(r, s.stationNames()))
}

// stationNames looks names up in the current snapshot ("" when not loaded or unknown).
func (s *server) stationNames() func(string) string {
	snap := s.Catalog.Current()
	return func(id string) string {
		if snap == nil {
			return ""
		}
		if i, ok := snap.Lookup(id); ok {
			return snap.Station(i).Name
		}
		return ""
	}
}
