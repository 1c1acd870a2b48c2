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
// ignored). It returns a not_found *station.Error when no station has r.StationID. The caller
// validates Reason, Note and Client.
func (db *DB) AddReport(ctx context.Context, r station.Report) (station.Report, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// The table has no foreign key to station (see migrations/0003_reports.sql), so check here,
		// inside the transaction that inserts.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM station WHERE id = ?`, r.StationID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return station.Errorf(station.CodeNotFound, "id", "no station has id %q", r.StationID)
		}
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO report (station_id, reason, note, created_at, client, status)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			r.StationID, r.Reason.String(), r.Note, now.Format(reportTimeLayout), r.Client, station.ReportOpen.String(),
		).Scan(&id)
	})
	if err != nil {
		return station.Report{}, err
	}
	r.ID, r.CreatedAt, r.Status = id, now, station.ReportOpen
	r.ResolvedAt, r.ResolvedBy = time.Time{}, ""
	return r, nil
}
