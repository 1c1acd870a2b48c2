package sqlite

import (
	"context"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// shanghai is the time zone days are counted in.
var shanghai = time.FixedZone("CST", 8*3600)

// StationCounts returns, per station, the visits (riders' and people served) and the reports filed
// from day from to day to (inclusive, "2026-01-31", Asia/Shanghai), the reports by their state now.
// Stations with none are left out.
func (db *DB) StationCounts(ctx context.Context, from, to string) (map[string]station.Counts, error) {
	start, end, err := dayRange(from, to)
	if err != nil {
		return nil, err
	}
	out := map[string]station.Counts{}
	rows, err := db.read.QueryContext(ctx, `SELECT station_id, sum(status = 'open'), sum(status = 'resolved')
		FROM report WHERE created_at >= ? AND created_at < ? GROUP BY station_id`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c station.Counts
		if err := rows.Scan(&id, &c.ReportsOpen, &c.ReportsResolved); err != nil {
			return nil, err
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	visits, err := db.read.QueryContext(ctx, `SELECT station_id, sum(app + coalesce(served, 0))
		FROM visit WHERE day BETWEEN ? AND ? GROUP BY station_id`, from, to)
	if err != nil {
		return nil, err
	}
	defer visits.Close()
	for visits.Next() {
		var id string
		var n int64
		if err := visits.Scan(&id, &n); err != nil {
			return nil, err
		}
		if n != 0 {
			c := out[id]
			c.Visits = n
			out[id] = c
		}
	}
	return out, visits.Err()
}

// VisitsByMonth sums the visits (riders' and people served) of the stations with ids (nil: every
// station) from day from to day to (inclusive), by month, in month order; months without visits
// are left out.
func (db *DB) VisitsByMonth(ctx context.Context, ids []string, from, to string) ([]station.MonthCount, error) {
	q := `SELECT substr(day, 1, 7), sum(app + coalesce(served, 0)) FROM visit WHERE day BETWEEN ? AND ?`
	args := []any{from, to}
	if ids != nil {
		if len(ids) == 0 {
			return []station.MonthCount{}, nil
		}
		q += ` AND station_id IN (SELECT value FROM json_each(?))`
		args = append(args, jsonArray(ids))
	}
	rows, err := db.read.QueryContext(ctx, q+` GROUP BY 1 ORDER BY 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []station.MonthCount{}
	for rows.Next() {
		var m station.MonthCount
		if err := rows.Scan(&m.Month, &m.Count); err != nil {
			return nil, err
		}
		if m.Count != 0 {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

// dayRange turns days from and to (inclusive, Asia/Shanghai) into the report times that bound them,
// [start, end), as report.created_at is written.
func dayRange(from, to string) (start, end string, err error) {
	f, err := time.ParseInLocation(time.DateOnly, from, shanghai)
	if err != nil {
		return "", "", err
	}
	t, err := time.ParseInLocation(time.DateOnly, to, shanghai)
	if err != nil {
		return "", "", err
	}
	return f.UTC().Format(reportTimeLayout), t.AddDate(0, 0, 1).UTC().Format(reportTimeLayout), nil
}
