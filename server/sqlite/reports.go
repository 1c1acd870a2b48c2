package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// reportTimeLayout is RFC 3339 in UTC with fixed-width milliseconds: unlike RFC3339Nano, which drops
// trailing zeros, its text order is time order, which the (station_id, created_at) index relies on.
const reportTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// AddReport stores r as a new open report, stamped with the current time, in one write transaction,
// and returns it as stored: with its ID, CreatedAt and Status set (ResolvedAt and ResolvedBy are
// ignored). When r has an IdempotencyKey that an earlier report on the same station was stored with,
// it stores nothing and returns that report as it is now, provided reason and note are the same
// (otherwise an invalid_parameter error on Idempotency-Key). It returns a not_found *station.Error
// when no station has r.StationID. The caller validates Reason, Note, Client and the key.
func (db *DB) AddReport(ctx context.Context, r station.Report) (station.Report, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	var stored station.Report
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// The table has no foreign key to station (see migrations/0003_reports.sql), so check here,
		// inside the transaction that inserts.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM station WHERE id = ?`, r.StationID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return station.Errorf(station.CodeNotFound, "id", "no station has id %.40q", r.StationID)
		}
		if err != nil {
			return err
		}
		if r.IdempotencyKey != "" {
			earlier, found, err := reportByKey(ctx, tx, r.StationID, r.IdempotencyKey)
			if err != nil || found && (earlier.Reason != r.Reason || earlier.Note != r.Note) {
				if err == nil {
					err = station.Errorf(station.CodeInvalidParameter, "Idempotency-Key", "this key was already used for a different report; send a new report with a new key")
				}
				return err
			}
			if found {
				stored = earlier
				return nil
			}
		}
		var key sql.NullString
		if r.IdempotencyKey != "" {
			key = sql.NullString{String: r.IdempotencyKey, Valid: true}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO report (station_id, reason, note, created_at, client, status, idempotency_key)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.StationID, r.Reason.String(), r.Note, now.Format(reportTimeLayout), r.Client, station.ReportOpen.String(), key,
		).Scan(&id); err != nil {
			return err
		}
		stored = r
		stored.ID, stored.CreatedAt, stored.Status = id, now, station.ReportOpen
		stored.ResolvedAt, stored.ResolvedBy = time.Time{}, ""
		return nil
	})
	if err != nil {
		return station.Report{}, err
	}
	return stored, nil
}

// reportByKey finds the report stored for station with an idempotency key.
func reportByKey(ctx context.Context, tx *sql.Tx, stationID, key string) (station.Report, bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+reportColumns+` FROM report WHERE station_id = ? AND idempotency_key = ?`, stationID, key)
	if err != nil {
		return station.Report{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return station.Report{}, false, rows.Err()
	}
	r, err := scanReport(rows)
	if err == nil {
		r.IdempotencyKey = key
	}
	return r, err == nil, err
}
