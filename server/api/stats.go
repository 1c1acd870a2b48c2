package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/stats"
)

// StatsStore reads the per-station counts behind the office's numbers. *sqlite.DB satisfies it.
type StatsStore interface {
	// StationCounts returns visits and reports per station from day from to day to (inclusive,
	// "2026-01-31", Asia/Shanghai); stations with none are left out.
	StationCounts(ctx context.Context, from, to string) (map[string]station.Counts, error)
	// VisitsByMonth sums the visits of the stations with ids (nil: all) by month, months with none
	// left out.
	VisitsByMonth(ctx context.Context, ids []string, from, to string) ([]station.MonthCount, error)
}

// statsPeriod reads from and to (YYYY-MM-DD, Asia/Shanghai, inclusive): by default this year so far.
func (s *server) statsPeriod(p params) (from, to string, err error) {
	today := s.Now().In(codec.Shanghai)
	from, to = today.Format("2006")+"-01-01", today.Format(time.DateOnly)
	var f, t time.Time
	if f, err = p.day("from", from); err != nil {
		return
	}
	if t, err = p.day("to", to); err != nil {
		return
	}
	if f.After(t) {
		return "", "", station.Errorf(station.CodeInvalidParameter, "from", "from (%s) is after to (%s)", f.Format(time.DateOnly), t.Format(time.DateOnly))
	}
	return f.Format(time.DateOnly), t.Format(time.DateOnly), nil
}

// day reads an optional date written YYYY-MM-DD (def when absent).
func (p params) day(name, def string) (time.Time, error) {
	v, ok, err := p.get(name)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		v = def
	}
	d, perr := time.ParseInLocation(time.DateOnly, v, codec.Shanghai)
	if perr != nil || len(v) != len(time.DateOnly) {
		return time.Time{}, station.Errorf(station.CodeInvalidParameter, name, "%s %.40q is not a date written as 2026-01-31", name, v)
	}
	if d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, station.Errorf(station.CodeOutOfRange, name, "%s must be a day from 2000 to 2100", name)
	}
	return d, nil
}

// coverage returns the coverage of the snapshot's stations, worked out once per data version.
func (s *server) coverage(geo *stats.Geography, snap *catalog.Snapshot) *stats.Coverage {
	return s.covered.Get(snap.Version, func() *stats.Coverage {
		q := catalog.Query{Statuses: []station.Status{station.Open, station.TemporarilyClosed}}
		return geo.Cover(snap.Version, func(p orb.Point) bool {
			var buf [1]spatial.Hit
			return len(snap.Nearest(p, 1, stats.RadiusM, q, buf[:0])) > 0
		})
	})
}

type statsRow struct {
	Adcode          string         `json:"adcode"`
	Name            string         `json:"name"`
	Level           string         `json:"level"`
	CityAdcode      string         `json:"city_adcode,omitempty"`
	Stations        int            `json:"stations"`
	ByStatus        map[string]int `json:"by_status"`
	ByKind          map[string]int `json:"by_kind"`
	Verified180d    *float64       `json:"verified_180d"`
	Verified        int            `json:"verified_180d_stations"`
	Active          int            `json:"stations_not_closed"`
	Visits          int64          `json:"visits"`
	ReportsOpen     int            `json:"reports_open"`
	ReportsResolved int            `json:"reports_resolved"`
	Coverage        *float64       `json:"coverage_3km"`
	Cells           int            `json:"cells"`
	Covered         int            `json:"cells_covered"`
}

func rowJSON(r *stats.Row) statsRow {
	out := statsRow{Adcode: r.Adcode, Name: r.Name, Level: r.Level, Stations: r.Stations,
		ByStatus: map[string]int{}, ByKind: map[string]int{}, Verified: r.Verified, Active: r.Active, Visits: r.Visits,
		ReportsOpen: r.ReportsOpen, ReportsResolved: r.ReportsResolved, Cells: r.Cells, Covered: r.Covered}
	if r.Level == "district" {
		out.CityAdcode = r.CityAdcode
	}
	for _, st := range station.Statuses() {
		out.ByStatus[st.String()] = r.ByStatus[st]
	}
	for _, k := range station.Kinds() {
		out.ByKind[k.String()] = r.ByKind[k]
	}
	if v, ok := r.VerifiedShare(); ok {
		out.Verified180d = &v
	}
	if v, ok := r.Coverage(); ok {
		out.Coverage = &v
	}
	return out
}

// GET /api/v1/admin/stats?group=city|district&from=&to=&format=json|csv|xlsx: per area, the stations
// by status and kind, the share confirmed within 180 days, visits and reports in the period, and
// coverage; totals equal the sums of the rows.
func (s *server) adminStats(c echo.Context) error {
	if s.Stats == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server keeps no statistics")
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	group, ok, err := p.get("group")
	if err != nil {
		return err
	}
	if !ok {
		group = stats.ByCity
	} else if group != stats.ByCity && group != stats.ByDistrict {
		return station.Errorf(station.CodeInvalidParameter, "group", "group %.40q is not city or district", group)
	}
	format, ok, err := p.get("format")
	if err != nil {
		return err
	}
	if !ok {
		format = "json"
	} else if format != "json" && format != "csv" && format != "xlsx" {
		return station.Errorf(station.CodeInvalidParameter, "format", "format %.40q is not json, csv or xlsx", format)
	}
	from, to, err := s.statsPeriod(p)
	if err != nil {
		return err
	}
	geo, err := stats.Province()
	if err != nil {
		return err
	}
	counts, err := s.Stats.StationCounts(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	tab := geo.Table(group, stats.Input{Stations: snap, Counts: counts, Coverage: s.coverage(geo, snap), Now: s.Now()})
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	name := fmt.Sprintf("yizhan-stats-%s-%s-%s.%s", group, from, to, format)
	switch format {
	case "csv":
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		c.Response().WriteHeader(http.StatusOK)
		return tab.WriteCSV(c.Response())
	case "xlsx":
		h.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		c.Response().WriteHeader(http.StatusOK)
		return tab.WriteXLSX(c.Response())
	}
	rows := make([]statsRow, len(tab.Rows))
	for i := range tab.Rows {
		rows[i] = rowJSON(&tab.Rows[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"group": group, "from": from, "to": to, "data_version": snap.Version,
		"areas": rows, "totals": rowJSON(&tab.Totals)})
}

// area reads the required adcode of a city or district.
func areaParam(p params, geo *stats.Geography) (string, error) {
	adcode, ok, err := p.get("adcode")
	if err != nil {
		return "", err
	}
	if !ok {
		return "", station.Errorf(station.CodeMissingParameter, "adcode", "adcode (a city's or district's) is required")
	}
	if !geo.Has(adcode) {
		return "", station.Errorf(station.CodeNotFound, "adcode", "no city or district has adcode %.40q", adcode)
	}
	return adcode, nil
}

// GET /api/v1/admin/stats/coverage?adcode=: the uncovered 1 km cells of a city or district as
// GeoJSON, the cells side by side in a row of the grid joined into one rectangle.
func (s *server) coverageCells(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	geo, err := stats.Province()
	if err != nil {
		return err
	}
	adcode, err := areaParam(p, geo)
	if err != nil {
		return err
	}
	runs, cells, covered, _ := s.coverage(geo, snap).Uncovered(adcode)
	b := []byte(`{"type":"FeatureCollection","meta":{"adcode":`)
	b = strconv.AppendQuote(b, adcode)
	b = append(b, `,"cells":`...)
	b = strconv.AppendInt(b, int64(cells), 10)
	b = append(b, `,"cells_covered":`...)
	b = strconv.AppendInt(b, int64(covered), 10)
	b = append(b, `,"cell_m":`...)
	b = strconv.AppendInt(b, stats.CellM, 10)
	b = append(b, `,"radius_m":`...)
	b = strconv.AppendInt(b, stats.RadiusM, 10)
	b = append(b, `,"data_version":`...)
	b = strconv.AppendInt(b, snap.Version, 10)
	b = append(b, `},"features":[`...)
	coord := func(b []byte, lon, lat float64) []byte {
		b = append(b, '[')
		b = strconv.AppendFloat(b, lon, 'f', 5, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, lat, 'f', 5, 64)
		return append(b, ']')
	}
	for i, r := range runs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"Feature","properties":{"cells":`...)
		b = strconv.AppendInt(b, int64(r.Cells), 10)
		b = append(b, `},"geometry":{"type":"Polygon","coordinates":[[`...)
		mn, mx := r.Bound.Min, r.Bound.Max
		for k, pt := range [5][2]float64{{mn[0], mn[1]}, {mx[0], mn[1]}, {mx[0], mx[1]}, {mn[0], mx[1]}, {mn[0], mn[1]}} {
			if k > 0 {
				b = append(b, ',')
			}
			b = coord(b, pt[0], pt[1])
		}
		b = append(b, "]]}}"...)
	}
	b = append(b, "]}"...)
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderVary, echo.HeaderAcceptEncoding)
	// A city with much open land has thousands of rectangles (274 KB for 朝阳市 at the seed): they
	// compress to a sixth.
	if len(b) > 8<<10 && acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		zw.Write(b)
		zw.Close()
		h.Set(echo.HeaderContentEncoding, "gzip")
		b = gz.Bytes()
	}
	return c.Blob(http.StatusOK, "application/geo+json", b)
}

// GET /api/v1/admin/stats/unconfirmed?adcode=&limit=: the stations not closed and not confirmed
// within 180 days, in a city or district (or all), oldest confirmation first.
func (s *server) unconfirmedStations(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	geo, err := stats.Province()
	if err != nil {
		return err
	}
	adcode := ""
	if p.has("adcode") {
		if adcode, err = areaParam(p, geo); err != nil {
			return err
		}
	}
	limit, err := p.integer("limit", 50, 1, 1000)
	if err != nil {
		return err
	}
	positions, total, _ := geo.Unconfirmed(snap, adcode, s.Now(), limit)
	type item struct {
		ID         string  `json:"id"`
		Name       string  `json:"name"`
		City       string  `json:"city"`
		District   string  `json:"district"`
		VerifiedAt *string `json:"verified_at"`
	}
	out := make([]item, len(positions))
	for k, i := range positions {
		st := snap.Station(i)
		out[k] = item{ID: st.ID, Name: st.Name, City: st.City, District: st.District}
		if !st.VerifiedAt.IsZero() {
			v := st.VerifiedAt.In(codec.Shanghai).Format(time.RFC3339)
			out[k].VerifiedAt = &v
		}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, map[string]any{"total": total, "stations": out})
}

// GET /api/v1/my/visits?from=&to=&adcode=: the visits to my stations (admins: every station, or those
// of a city or district) per month, from day from to day to (default: this year so far).
func (s *server) myVisits(c echo.Context) error {
	if s.Stats == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server keeps no statistics")
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	from, to, err := s.statsPeriod(p)
	if err != nil {
		return err
	}
	u, _ := signedInUser(c)
	ids := stationsOf(u)
	if p.has("adcode") {
		geo, err := stats.Province()
		if err != nil {
			return err
		}
		adcode, err := areaParam(p, geo)
		if err != nil {
			return err
		}
		positions, _ := geo.In(snap, adcode)
		in := make([]string, 0, len(positions))
		for _, i := range positions {
			if id := snap.Station(i).ID; ids == nil || slices.Contains(ids, id) {
				in = append(in, id)
			}
		}
		ids = in
	}
	months, err := s.Stats.VisitsByMonth(c.Request().Context(), ids, from, to)
	if err != nil {
		return err
	}
	var total int64
	for _, m := range months {
		total += m.Count
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, map[string]any{"from": from, "to": to, "months": months, "total": total})
}
