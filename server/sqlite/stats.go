package sqlite

import (
	"context"
	"maps"
	"slices"
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
	sp, err := splitPeriod(from, to)
	if err != nil {
		return nil, err
	}
	out := map[string]station.Counts{}
	err = db.each(ctx, func(id string, open, resolved int64) {
		c := out[id]
		c.ReportsOpen, c.ReportsResolved = int(open), int(resolved)
		out[id] = c
	}, `SELECT station_id, sum(status = 'open'), sum(status = 'resolved')
		FROM report WHERE created_at >= ? AND created_at < ? GROUP BY station_id`, start, end)
	if err != nil {
		return nil, err
	}
	addVisits := func(id string, n, _ int64) {
		if n != 0 {
			c := out[id]
			c.Visits += n
			out[id] = c
		}
	}
	if sp.fromMonth <= sp.toMonth {
		if err := db.each(ctx, addVisits, `SELECT station_id, sum(visits), 0 FROM visit_month
			WHERE month BETWEEN ? AND ? GROUP BY station_id`, sp.fromMonth, sp.toMonth); err != nil {
			return nil, err
		}
	}
	for _, d := range sp.days {
		if err := db.each(ctx, addVisits, `SELECT station_id, sum(app + coalesce(served, 0)), 0 FROM visit
			WHERE day BETWEEN ? AND ? GROUP BY station_id`, d[0], d[1]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VisitsByMonth sums the visits (riders' and people served) of the stations with ids (nil: every
// station) from day from to day to (inclusive), by month, in month order; months without visits
// are left out.
func (db *DB) VisitsByMonth(ctx context.Context, ids []string, from, to string) ([]station.MonthCount, error) {
	if ids != nil && len(ids) == 0 {
		return []station.MonthCount{}, nil
	}
	sp, err := splitPeriod(from, to)
	if err != nil {
		return nil, err
	}
	sums := map[string]int64{}
	add := func(month string, n, _ int64) { sums[month] += n }
	inIDs, args := "", []any{}
	if ids != nil {
		// The list comes in as one JSON array: no statement text built from the ids, any number of them.
		inIDs, args = ` AND station_id IN (SELECT value FROM json_each(?))`, []any{jsonArray(ids)}
	}
	if sp.fromMonth <= sp.toMonth {
		q := `SELECT month, visits, 0 FROM visit_month_all WHERE month BETWEEN ? AND ?`
		if ids != nil {
			q = `SELECT month, sum(visits), 0 FROM visit_month WHERE month BETWEEN ? AND ?` + inIDs + ` GROUP BY month`
		}
		if err := db.each(ctx, add, q, append([]any{sp.fromMonth, sp.toMonth}, args...)...); err != nil {
			return nil, err
		}
	}
	for _, d := range sp.days {
		if err := db.each(ctx, add, `SELECT substr(day, 1, 7), sum(app + coalesce(served, 0)), 0 FROM visit
			WHERE day BETWEEN ? AND ?`+inIDs+` GROUP BY 1`, append([]any{d[0], d[1]}, args...)...); err != nil {
			return nil, err
		}
	}
	out := []station.MonthCount{}
	for _, m := range slices.Sorted(maps.Keys(sums)) {
		if sums[m] != 0 {
			out = append(out, station.MonthCount{Month: m, Count: sums[m]})
		}
	}
	return out, nil
}

// each runs a query of rows (text, number, number) and calls fn for each.
func (db *DB) each(ctx context.Context, fn func(string, int64, int64), q string, args ...any) error {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var a, b int64
		if err := rows.Scan(&key, &a, &b); err != nil {
			return err
		}
		fn(key, a, b)
	}
	return rows.Err()
}

// period is days from–to split for the monthly sums: the whole months fromMonth to toMonth (none when
// fromMonth > toMonth) from visit_month, and the days of the months only partly inside from visit.
type period struct {
	fromMonth, toMonth string
	days               [][2]string
}

func splitPeriod(from, to string) (period, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return period{}, err
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return period{}, err
	}
	monthOf := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC) }
	lastOf := func(d time.Time) time.Time { return monthOf(d).AddDate(0, 1, -1) }
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	wholeFrom, wholeTo := f.Day() == 1, t.Equal(lastOf(t))
	if monthOf(f).Equal(monthOf(t)) {
		if wholeFrom && wholeTo {
			return period{fromMonth: from[:7], toMonth: from[:7]}, nil
		}
		return period{fromMonth: "1", toMonth: "0", days: [][2]string{{from, to}}}, nil
	}
	var p period
	first, last := monthOf(f), monthOf(t)
	if !wholeFrom {
		p.days = append(p.days, [2]string{from, day(lastOf(f))})
		first = first.AddDate(0, 1, 0)
	}
	if !wholeTo {
		p.days = append(p.days, [2]string{day(monthOf(t)), to})
		last = last.AddDate(0, -1, 0)
	}
	p.fromMonth, p.toMonth = first.Format("2006-01"), last.Format("2006-01")
	return p, nil
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
