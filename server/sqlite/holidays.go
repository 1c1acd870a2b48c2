package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// SaveHolidayYear stores year's days (replacing any stored before) with an audit entry, and bumps the
// data version so that every process rebuilds its calendar; it returns that version.
func (db *DB) SaveHolidayYear(ctx context.Context, year int, days []hours.Day, actor station.Actor, now time.Time) (int64, error) {
	after, err := json.Marshal(days)
	if err != nil {
		return 0, err
	}
	var version int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		before := "[]"
		err := tx.QueryRowContext(ctx, `SELECT days FROM holiday_year WHERE year = ?`, year).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		at := now.UTC().Format(timeLayout)
		if _, err := tx.ExecContext(ctx, `INSERT INTO holiday_year (year, days, user_id, actor, imported_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET days = excluded.days, user_id = excluded.user_id, actor = excluded.actor, imported_at = excluded.imported_at`,
			year, string(after), actor.UserID, actor.Name, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holiday_audit (year, user_id, actor, at, before, after) VALUES (?, ?, ?, ?, ?, ?)`,
			year, actor.UserID, actor.Name, at, before, string(after)); err != nil {
			return err
		}
		version, err = bumpDataVersion(ctx, tx)
		return err
	})
	return version, err
}

// HolidayYears reads every stored year, in order.
func (db *DB) HolidayYears(ctx context.Context) ([]hours.StoredYear, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, days, actor, imported_at FROM holiday_year ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hours.StoredYear
	for rows.Next() {
		var y hours.StoredYear
		var days, at string
		if err := rows.Scan(&y.Year, &days, &y.By, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(days), &y.Days); err != nil {
			return nil, err
		}
		y.At, _ = time.Parse(timeLayout, at)
		out = append(out, y)
	}
	return out, rows.Err()
}

// Calendar is base with the stored years in place of its own for those years.
func (db *DB) Calendar(ctx context.Context, base *hours.Calendar) (*hours.Calendar, error) {
	stored, err := db.HolidayYears(ctx)
	if err != nil || len(stored) == 0 {
		return base, err
	}
	years := make([]hours.Year, len(stored))
	for i, y := range stored {
		years[i] = hours.Year{Year: y.Year, Days: y.Days}
	}
	return base.With(years), nil
}
