package sqlite

import (
	"context"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// shanghai is the time zone days are counted in.
var shanghai = time.FixedZone("CST", 8*3600)

// StationCounts returns, per station, the reports filed from day from to day to (inclusive,
// "2026-01-31", Asia/Shanghai) by their state now. Stations with none are left out.
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
