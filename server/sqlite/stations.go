package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// timeLayout is how timestamps are stored: RFC 3339 in UTC, so text order is time order.
const timeLayout = time.RFC3339Nano

// StoredTime is t as the database keeps a station's updated_at: what LoadAll reads back after Upsert
// stamped it with t.
func StoredTime(t time.Time) time.Time {
	stored, _ := time.Parse(timeLayout, t.UTC().Format(timeLayout))
	return stored
}

// DataVersion returns the current data version (0 for a database that was never written).
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT version FROM dataset WHERE id = 1`).Scan(&v)
	return v, err
}

// LoadAll reads every station, ordered by id, together with the data version they belong to, from one
// consistent read transaction. When the station cache file holds that very state it is read instead of
// the table (see SaveCache).
func (db *DB) LoadAll(ctx context.Context) (int64, []station.Station, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	var version int64
	var token string
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT version, token, (SELECT count(*) FROM station) FROM dataset WHERE id = 1`).Scan(&version, &token, &n); err != nil {
		return 0, nil, err
	}
	if cached, err := db.readCache(version, token); err == nil && len(cached) == n {
		return version, cached, nil
	} else if err != nil && !errors.Is(err, errCacheMiss) {
		return 0, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+stationColumns+` FROM station ORDER BY id`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	out := make([]station.Station, 0, n)
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, st)
	}
	return version, out, rows.Err()
}

// SaveCache writes stations, which must be every station at data version, to the station cache file so
// that the next LoadAll of that state reads the file instead of the table. It does nothing when the
// database has moved past version or the file already holds it. Run it after serving has started: at a
// million stations it writes a few hundred megabytes.
func (db *DB) SaveCache(ctx context.Context, version int64, stations station.List) error {
	var token string
	err := db.read.QueryRowContext(ctx, `SELECT token FROM dataset WHERE id = 1 AND version = ?`, version).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if db.cacheHolds(version, token) {
		return nil
	}
	return db.writeCache(version, token, stations)
}

func scanStation(rows *sql.Rows) (station.Station, error) {
	var st station.Station
	var kind, amenities, status, audience, updated, verified string
	if err := rows.Scan(scanTargets(&st, &kind, &amenities, &status, &audience, &updated, &verified)...); err != nil {
		return st, err
	}
	var ok bool
	if st.Kind, ok = station.ParseKind(kind); !ok {
		return st, fmt.Errorf("station %s: stored kind %q is not in the vocabulary", st.ID, kind)
	}
	if st.Status, ok = station.ParseStatus(status); !ok {
		return st, fmt.Errorf("station %s: stored status %q is not in the vocabulary", st.ID, status)
	}
	if st.Audience, ok = station.ParseAudience(audience); !ok {
		return st, fmt.Errorf("station %s: stored audience %q is not in the vocabulary", st.ID, audience)
	}
	set, bad, ok := station.ParseAmenitySet(amenities)
	if !ok {
		return st, fmt.Errorf("station %s: stored amenity %q is not in the vocabulary", st.ID, bad)
	}
	st.Amenities = set
	var err error
	if st.UpdatedAt, err = time.Parse(timeLayout, updated); err != nil {
		return st, fmt.Errorf("station %s: updated_at: %w", st.ID, err)
	}
	if verified != "" {
		if st.VerifiedAt, err = time.Parse(timeLayout, verified); err != nil {
			return st, fmt.Errorf("station %s: verified_at: %w", st.ID, err)
		}
	}
	return st, nil
}

// errDryRun rolls a dry run back; errConflicts an import with version conflicts.
var (
	errDryRun    = errors.New("dry run")
	errConflicts = errors.New("version conflicts")
)

// Upsert writes stations keyed by id in one transaction: new ids are inserted with version 1, rows whose
// data differ are updated with version+1, identical rows are left alone. The data version is bumped
// only when something changed. Either every row is written or none is. A station that carries the
// version it was exported at (Version > 0) and would change a stored station of another version is a
// conflict (see UpsertResult.Conflicts), and then nothing is written. On success the Version and
// UpdatedAt of each written element of stations are set to what was stored; an element that already
// holds them (Version 1 and StoredTime(now) for a new station) is only read, so others may read it
// meanwhile.
func (db *DB) Upsert(ctx context.Context, stations []station.Station, now time.Time, opt station.UpsertOptions) (station.UpsertResult, error) {
	var res station.UpsertResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM station`).Scan(&count); err != nil {
			return err
		}
		if opt.OnlyIfEmpty && count > 0 {
			return tx.QueryRowContext(ctx, `SELECT version FROM dataset WHERE id = 1`).Scan(&res.DataVersion)
		}
		existing := map[string]*station.Station{}
		collect := func(rows *sql.Rows, err error) error { return collectStations(existing, rows, err) }
		if count > 0 && len(stations) < count/8 {
			// A few rows against many stations (an admin's correction at a million): read only those.
			one, err := tx.PrepareContext(ctx, `SELECT `+stationColumns+` FROM station WHERE id = ?`)
			if err != nil {
				return err
			}
			defer one.Close()
			for i := range stations {
				if _, seen := existing[stations[i].ID]; !seen {
					if err := collect(one.QueryContext(ctx, stations[i].ID)); err != nil {
						return err
					}
				}
			}
		} else if count > 0 {
			if err := collect(tx.QueryContext(ctx, `SELECT `+stationColumns+` FROM station`)); err != nil {
				return err
			}
		}
		ins, err := tx.PrepareContext(ctx, insertStation)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, updateStation)
		if err != nil {
			return err
		}
		defer upd.Close()
		audit, err := tx.PrepareContext(ctx, auditInsert)
		if err != nil {
			return err
		}
		defer audit.Close()
		stamp := now.UTC().Format(timeLayout)
		stampTime := StoredTime(now)
		for i := range stations {
			st := &stations[i]
			oldp, found := existing[st.ID]
			var old station.Station
			if found {
				old = *oldp
			}
			switch {
			case !found:
				if _, err := ins.ExecContext(ctx, stationValues(st, 1, stamp, false)...); err != nil {
					return fmt.Errorf("insert %s: %w", st.ID, err)
				}
				stamp1(st, stampTime)
				if opt.Actor.Name != "" {
					// The created state is the row itself at version 1; later entries record what changed
					// from it, so it can always be rebuilt. Not copying it keeps a million-row import fast.
					if err := insertAudit(ctx, audit, st.ID, 1, "create", opt.Actor, stamp, nil, nil); err != nil {
						return err
					}
				}
				existing[st.ID] = st // a repeated id later in the same batch updates this row
				res.Created++
				res.Written = append(res.Written, i)
			case sameData(&old, st):
				res.Unchanged++
			case st.Version > 0 && st.Version != old.Version:
				res.Conflicts = append(res.Conflicts, station.Conflict{Index: i, ID: st.ID, Based: st.Version, Current: old.Version})
			default:
				if _, err := upd.ExecContext(ctx, stationValues(st, old.Version+1, stamp, true)...); err != nil {
					return fmt.Errorf("update %s: %w", st.ID, err)
				}
				st.Version, st.UpdatedAt = old.Version+1, stampTime
				if opt.Actor.Name != "" {
					before, after := diff(&old, st)
					if err := insertAudit(ctx, audit, st.ID, st.Version, "import", opt.Actor, stamp, before, after); err != nil {
						return err
					}
				}
				existing[st.ID] = st
				res.Updated++
				res.Written = append(res.Written, i)
			}
		}
		if res.Created+res.Updated > 0 {
			if _, err := bumpDataVersion(ctx, tx); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT version FROM dataset WHERE id = 1`).Scan(&res.DataVersion); err != nil {
			return err
		}
		if len(res.Conflicts) > 0 {
			return errConflicts
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !(opt.DryRun && errors.Is(err, errDryRun)) && !errors.Is(err, errConflicts) {
		return station.UpsertResult{}, err
	}
	return res, nil
}

// collectStations adds the stations a query of stationColumns found to into, by id; err is the
// query's own.
func collectStations(into map[string]*station.Station, rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return err
		}
		into[st.ID] = &st
	}
	return rows.Err()
}

// stamp1 sets a created station's Version and UpdatedAt to what was stored. It writes only what
// differs: a first start serves its seed while Upsert stores it, and the seed arrives stamped.
func stamp1(st *station.Station, stored time.Time) {
	if st.Version != 1 || !st.UpdatedAt.Equal(stored) {
		st.Version, st.UpdatedAt = 1, stored
	}
}

// bumpDataVersion marks a transaction's changes as a new data state and returns its number.
func bumpDataVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `UPDATE dataset SET version = version + 1, token = lower(hex(randomblob(8))) WHERE id = 1 RETURNING version`).Scan(&v)
	return v, err
}

// sameData compares everything an import can set (not version or timestamps it does not carry). Where
// the coordinates came from (SourceCRS, SourceText) is provenance, not data: a station exported in
// WGS-84 and imported again is unchanged although it first arrived in GCJ-02.
func sameData(a, b *station.Station) bool {
	for _, f := range textFields {
		if *f.Text(a) != *f.Text(b) {
			return false
		}
	}
	return a.Kind == b.Kind && a.Lon == b.Lon && a.Lat == b.Lat && a.Amenities == b.Amenities &&
		a.OpeningHours == b.OpeningHours && a.Status == b.Status && a.Audience == b.Audience &&
		a.VerifiedAt.Equal(b.VerifiedAt)
}

func crsOrDefault(s string) string {
	if s == "" {
		return "wgs84"
	}
	return s
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
