package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// Reports returns the reports that f selects, newest first, and how many it selects in all (beyond
// f's page).
func (db *DB) Reports(ctx context.Context, f station.ReportFilter) ([]station.Report, int, error) {
	where, args := reportWhere(f)
	if where == "never" {
		return []station.Report{}, 0, nil
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM report`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := db.reports(ctx, f, where, args)
	return out, total, err
}

// reportWhere is f's WHERE clause and its arguments; "never" when f selects nothing.
func reportWhere(f station.ReportFilter) (string, []any) {
	var where []string
	var args []any
	if f.StationIDs != nil {
		if len(f.StationIDs) == 0 {
			return "never", nil
		}
		// The list comes in as one JSON array: no statement text built from the ids, any number of them.
		where = append(where, `station_id IN (SELECT value FROM json_each(?))`)
		args = append(args, jsonArray(f.StationIDs))
	}
	if f.OpenOnly {
		where = append(where, `status = 'open'`)
	}
	if len(where) == 0 {
		return "", args
	}
	return ` WHERE ` + strings.Join(where, ` AND `), args
}

func (db *DB) reports(ctx context.Context, f station.ReportFilter, where string, args []any) ([]station.Report, error) {
	q := `SELECT ` + reportColumns + ` FROM report` + where
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, f.Offset)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []station.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveReport marks report id resolved by user at now (resolving a resolved report keeps the first
// resolution). allowed says whether the user may act on the report's station. Errors: not_found (also
// for a report on a station the user may not act on).
func (db *DB) ResolveReport(ctx context.Context, id int64, by string, now time.Time, allowed func(stationID string) bool) (station.Report, error) {
	var out station.Report
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+reportColumns+`
			FROM report WHERE id = ?`, id)
		if err != nil {
			return err
		}
		found := rows.Next()
		var r station.Report
		if found {
			r, err = scanReport(rows)
		}
		rows.Close()
		if err != nil {
			return err
		}
		if !found || !allowed(r.StationID) {
			return station.Errorf(station.CodeNotFound, "id", "no report has id %d", id)
		}
		if r.Status == station.ReportOpen {
			at := now.UTC().Truncate(time.Millisecond)
			if _, err := tx.ExecContext(ctx, `UPDATE report SET status = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?`,
				at.Format(reportTimeLayout), by, id); err != nil {
				return err
			}
			r.Status, r.ResolvedAt, r.ResolvedBy = station.ReportResolved, at, by
		}
		out = r
		return nil
	})
	return out, err
}

// reportColumns are what scanReport reads, in its order.
const reportColumns = `id, station_id, reason, note, client, status, created_at, resolved_at, resolved_by`

func scanReport(rows *sql.Rows) (station.Report, error) {
	var r station.Report
	var reason, status, created, resolved string
	if err := rows.Scan(&r.ID, &r.StationID, &reason, &r.Note, &r.Client, &status, &created, &resolved, &r.ResolvedBy); err != nil {
		return r, err
	}
	var ok bool
	if r.Reason, ok = station.ParseReason(reason); !ok {
		return r, fmt.Errorf("report %d: stored reason %q is not in the vocabulary", r.ID, reason)
	}
	if r.Status, ok = station.ParseReportStatus(status); !ok {
		return r, fmt.Errorf("report %d: stored status %q is not in the vocabulary", r.ID, status)
	}
	var err error
	if r.CreatedAt, err = time.Parse(reportTimeLayout, created); err != nil {
		return r, fmt.Errorf("report %d: created_at: %w", r.ID, err)
	}
	if resolved != "" {
		if r.ResolvedAt, err = time.Parse(reportTimeLayout, resolved); err != nil {
			return r, fmt.Errorf("report %d: resolved_at: %w", r.ID, err)
		}
	}
	return r, nil
}

// jsonArray encodes strings as a JSON array for json_each.
func jsonArray(ss []string) string {
	b, _ := json.Marshal(ss) // strings always encode
	return string(b)
}

// OpenReportCounts returns how many open reports each station has; stations with none are left out.
func (db *DB) OpenReportCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT station_id, count(*) FROM report WHERE status = 'open' GROUP BY station_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
