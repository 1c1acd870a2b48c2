package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// RecordVisit counts device (a hash that names the device for this station and day only) at station id
// on day, unless it was counted there that day already, and reports whether it counted it. In the same
// transaction it forgets the devices of days before keepFrom. Errors: not_found when no station has
// id or the station is closed for good (nobody visits it).
func (db *DB) RecordVisit(ctx context.Context, id, day, keepFrom, device string) (bool, error) {
	counted := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM station WHERE id = ?`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return station.Errorf(station.CodeNotFound, "id", "no station has id %.40q", id)
		}
		if err != nil {
			return err
		}
		if status == station.Closed.String() {
			return station.Errorf(station.CodeNotFound, "id", "station %.40q is closed for good; visits to it are not counted", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM visit_device WHERE day < ?`, keepFrom); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_device (day, station_id, device) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, day, id, device)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // counted before
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit (station_id, day, app) VALUES (?, ?, 1)
			ON CONFLICT (station_id, day) DO UPDATE SET app = app + 1`, id, day); err != nil {
			return err
		}
		counted = true
		return nil
	})
	return counted, err
}

// SetServed records that station id served count people without the app on day; the last value for a
// day stands. A change is audited in the station's history as an "edit" that leaves the station at its
// version, before and after {"served_on": day, "served": count} (served null when none was recorded),
// so that the people who may see a station's history see who recorded what. It returns the day's
// visits. Errors: not_found when no station has id.
func (db *DB) SetServed(ctx context.Context, id, day string, count int64, actor station.Actor, now time.Time) (station.VisitDay, error) {
	out := station.VisitDay{StationID: id, Day: day}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var version int64
		err := tx.QueryRowContext(ctx, `SELECT version FROM station WHERE id = ?`, id).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return station.Errorf(station.CodeNotFound, "id", "no station has id %.40q", id)
		}
		if err != nil {
			return err
		}
		var old sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT served FROM visit WHERE station_id = ? AND day = ?`, id, day).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO visit (station_id, day, served) VALUES (?, ?, ?)
			ON CONFLICT (station_id, day) DO UPDATE SET served = excluded.served RETURNING app`, id, day, count).Scan(&out.App); err != nil {
			return err
		}
		out.Served = &count
		if old.Valid && old.Int64 == count {
			return nil // nothing changed: nothing to audit
		}
		var before any
		if old.Valid {
			before = old.Int64
		}
		return insertAudit(ctx, txExec{tx}, id, version, "edit", actor, now.UTC().Format(timeLayout),
			map[string]any{"served_on": day, "served": before}, map[string]any{"served_on": day, "served": count})
	})
	if err != nil {
		return station.VisitDay{}, err
	}
	return out, nil
}

// Visits returns station id's visits on the days from..to (YYYY-MM-DD, both included), oldest first;
// days with nothing recorded are left out.
func (db *DB) Visits(ctx context.Context, id, from, to string) ([]station.VisitDay, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT day, app, served FROM visit
		WHERE station_id = ? AND day BETWEEN ? AND ? ORDER BY day`, id, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []station.VisitDay{}
	for rows.Next() {
		v := station.VisitDay{StationID: id}
		var served sql.NullInt64
		if err := rows.Scan(&v.Day, &v.App, &served); err != nil {
			return nil, err
		}
		if served.Valid {
			v.Served = &served.Int64
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
