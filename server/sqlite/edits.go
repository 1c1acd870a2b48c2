package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// auditFields is a station as the audit trail shows it: every field a change can touch.
func auditFields(st *station.Station) map[string]any {
	verified := ""
	if !st.VerifiedAt.IsZero() {
		verified = st.VerifiedAt.UTC().Format(time.RFC3339)
	}
	m := map[string]any{
		"kind": st.Kind.String(), "lon": st.Lon, "lat": st.Lat, "source_crs": crsOrDefault(st.SourceCRS),
		"source_text": st.SourceText, "amenities": st.Amenities.String(), "opening_hours": st.OpeningHours,
		"status": st.Status.String(), "audience": st.Audience.String(), "verified_at": verified,
	}
	for _, f := range textFields {
		m[f.Name] = *f.Text(st)
	}
	return m
}

// diff returns the fields that differ, before and after; old nil means the station is new.
func diff(old, cur *station.Station) (before, after map[string]any) {
	a := auditFields(cur)
	if old == nil {
		return map[string]any{}, a
	}
	b := auditFields(old)
	before, after = map[string]any{}, map[string]any{}
	for k, v := range a {
		if b[k] != v {
			before[k], after[k] = b[k], v
		}
	}
	return before, after
}

// auditInsert is the statement that records one change; Upsert prepares it once per import.
const auditInsert = `INSERT INTO station_audit (station_id, version, action, user_id, actor, at, before, after)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// execer is a transaction or a statement prepared in one.
type execer interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

type txExec struct {
	tx *sql.Tx
}

func (t txExec) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, auditInsert, args...)
}

// insertAudit records a change through ex (a prepared auditInsert, or txExec). before and after both
// nil record a creation, whose fields are the row itself at version 1.
func insertAudit(ctx context.Context, ex execer, id string, version int64, action string, actor station.Actor, at string, before, after map[string]any) error {
	bj, aj := []byte("{}"), []byte("{}")
	if before != nil || after != nil {
		var err error
		if bj, err = json.Marshal(before); err != nil {
			return err
		}
		if aj, err = json.Marshal(after); err != nil {
			return err
		}
	}
	_, err := ex.ExecContext(ctx, id, version, action, actor.UserID, actor.Name, at, string(bj), string(aj))
	return err
}

// EditStation changes station id in one transaction with its audit entry, if its version is still
// ifVersion. apply changes a copy of the stored station; the result is validated, and written only if
// it differs (a new version, a new data version). verify marks the change as a "still accurate"
// confirmation in the audit trail. Errors: not_found; version_conflict, returned with the current
// station; apply's own errors; the validation's. It also returns the data version after the edit (0
// when nothing was written).
func (db *DB) EditStation(ctx context.Context, id string, ifVersion int64, actor station.Actor, now time.Time, verify bool,
	apply func(*station.Station) *station.Error) (station.Station, int64, error) {
	var out station.Station
	var dataVersion int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+stationColumns+` FROM station WHERE id = ?`, id)
		if err != nil {
			return err
		}
		found := rows.Next()
		var cur station.Station
		if found {
			cur, err = scanStation(rows)
		}
		rows.Close()
		if err != nil {
			return err
		}
		if !found {
			return station.Errorf(station.CodeNotFound, "id", "no station has id %.40q", id)
		}
		out = cur
		if cur.Version != ifVersion {
			return station.Errorf(station.CodeVersionConflict, "If-Match",
				"the station is at version %d, not %d: someone changed it; reload and edit again", cur.Version, ifVersion)
		}
		edited := cur
		if e := apply(&edited); e != nil {
			return e
		}
		edited.ID, edited.Version, edited.UpdatedAt = cur.ID, cur.Version, cur.UpdatedAt
		if e := edited.Validate(); e != nil {
			return e
		}
		before, after := diff(&cur, &edited)
		if len(after) == 0 {
			return nil // nothing changed: no new version
		}
		stamp := now.UTC().Format(timeLayout)
		edited.Version = cur.Version + 1
		edited.UpdatedAt, _ = time.Parse(timeLayout, stamp)
		if _, err := tx.ExecContext(ctx, updateStation, stationValues(&edited, edited.Version, stamp, true)...); err != nil {
			return err
		}
		if dataVersion, err = bumpDataVersion(ctx, tx); err != nil {
			return err
		}
		action := "edit"
		if verify && len(after) == 1 && after["verified_at"] != nil {
			action = "verify"
		}
		if err := insertAudit(ctx, txExec{tx}, id, edited.Version, action, actor, stamp, before, after); err != nil {
			return err
		}
		out = edited
		return nil
	})
	var se *station.Error
	if err != nil && !(errors.As(err, &se) && se.Code == station.CodeVersionConflict) {
		return station.Station{}, 0, err
	}
	return out, dataVersion, err
}

// History returns station id's audit trail, newest first, at most limit entries.
func (db *DB) History(ctx context.Context, id string, limit int) ([]station.AuditEntry, error) {
	return db.history(ctx, id, 0, limit)
}

// HistoryPage is a page of station id's audit trail, newest first (limit entries after offset), and
// how many entries the trail has.
func (db *DB) HistoryPage(ctx context.Context, id string, offset, limit int) ([]station.AuditEntry, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM station_audit WHERE station_id = ?`, id).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := db.history(ctx, id, offset, limit)
	return out, total, err
}

func (db *DB) history(ctx context.Context, id string, offset, limit int) ([]station.AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, station_id, version, action, user_id, actor, at, before, after
		FROM station_audit WHERE station_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, id, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []station.AuditEntry{}
	for rows.Next() {
		var e station.AuditEntry
		var at, before, after string
		if err := rows.Scan(&e.ID, &e.StationID, &e.Version, &e.Action, &e.UserID, &e.Actor, &at, &before, &after); err != nil {
			return nil, err
		}
		if e.At, err = time.Parse(timeLayout, at); err != nil {
			return nil, fmt.Errorf("audit %d: at: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(before), &e.Before); err != nil {
			return nil, fmt.Errorf("audit %d: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(after), &e.After); err != nil {
			return nil, fmt.Errorf("audit %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
