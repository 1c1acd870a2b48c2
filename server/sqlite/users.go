package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/station"
)

// stamp formats t for the users and sessions tables. The fixed width of reportTimeLayout matters here:
// session expiry is decided by comparing these texts in SQL.
func stamp(t time.Time) string { return t.UTC().Format(reportTimeLayout) }

func parseStamp(s string) (time.Time, error) { return time.Parse(reportTimeLayout, s) }

const userColumns = `id, username, password_hash, role, disabled, display_name, phone, created_at, updated_at`

// scanUser reads userColumns from row, after the columns of before (for queries that join).
func scanUser(row interface{ Scan(...any) error }, before ...any) (auth.User, error) {
	var u auth.User
	var role, created, updated string
	dst := append(before, &u.ID, &u.Username, &u.PasswordHash, &role, &u.Disabled, &u.DisplayName, &u.Phone, &created, &updated)
	if err := row.Scan(dst...); err != nil {
		return u, err
	}
	u.Role = auth.Role(role)
	var err error
	if u.CreatedAt, err = parseStamp(created); err != nil {
		return u, err
	}
	u.UpdatedAt, err = parseStamp(updated)
	return u, err
}

func userNotFound(field string, v any) error {
	return station.Errorf(station.CodeNotFound, field, "no user has %s %v", field, v)
}

// CreateUser stores a new account with u's Username, Role, Disabled, DisplayName, Phone and Stations and the password hash
// passwordHash, all in one transaction, and returns it as stored, with ID and times set. The caller
// checks the username and password rules. It returns an already_exists *station.Error when the
// username is taken (ignoring ASCII case), not_operator when an admin is given stations, and
// invalid_parameter naming the id when a station does not exist.
func (db *DB) CreateUser(ctx context.Context, u auth.User, passwordHash string) (auth.User, error) {
	var out auth.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = ?`, u.Username).Scan(&taken)
		if err != nil {
			return err
		}
		if taken > 0 {
			return station.Errorf(auth.CodeAlreadyExists, "username", "the username %q is taken", u.Username)
		}
		now := stamp(time.Now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, role, disabled, display_name, phone, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Username, passwordHash, string(u.Role), u.Disabled, u.DisplayName, u.Phone, now, now).Scan(&id); err != nil {
			return err
		}
		if len(u.Stations) > 0 {
			if err := setStations(ctx, tx, id, u.Role, u.Stations); err != nil {
				return err
			}
		}
		out, err = userInTx(ctx, tx, id)
		return err
	})
	return out, err
}

// userInTx reads the user with id and their stations inside tx.
func userInTx(ctx context.Context, tx *sql.Tx, id int64) (auth.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, userNotFound("id", id)
	}
	if err != nil {
		return u, err
	}
	u.Stations, err = stationsOf(ctx, tx, id)
	return u, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func stationsOf(ctx context.Context, q querier, userID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT station_id FROM user_stations WHERE user_id = ? ORDER BY station_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// UserByName returns the account named name (ignoring ASCII case), with its password hash and
// stations; a not_found *station.Error when there is none.
func (db *DB) UserByName(ctx context.Context, name string) (auth.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, userNotFound("username", name)
	}
	if err != nil {
		return u, err
	}
	u.Stations, err = stationsOf(ctx, db.read, u.ID)
	return u, err
}

// UserByID returns the account with id, with its password hash and stations; a not_found
// *station.Error when there is none.
func (db *DB) UserByID(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, userNotFound("id", id)
	}
	if err != nil {
		return u, err
	}
	u.Stations, err = stationsOf(ctx, db.read, u.ID)
	return u, err
}

// Users returns every account in id order, with its stations.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot for both queries
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var users []auth.User
	index := map[int64]int{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[u.ID] = len(users)
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT user_id, station_id FROM user_stations ORDER BY user_id, station_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var sid string
		if err := rows.Scan(&uid, &sid); err != nil {
			return nil, err
		}
		if i, ok := index[uid]; ok {
			users[i].Stations = append(users[i].Stations, sid)
		}
	}
	return users, rows.Err()
}

// UpdateUser applies ch to the account with id in one transaction and returns it as stored. Disabling
// the user or setting a password deletes all of the user's sessions in the same transaction; making
// the user an admin drops their station assignments. It returns a not_found *station.Error when no
// user has id, and last_admin when the change would leave no enabled admin.
func (db *DB) UpdateUser(ctx context.Context, id int64, ch auth.UserChange) (auth.User, error) {
	var out auth.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := userInTx(ctx, tx, id)
		if err != nil {
			return err
		}
		after := u
		if ch.Role != nil {
			after.Role = *ch.Role
		}
		if ch.Disabled != nil {
			after.Disabled = *ch.Disabled
		}
		if ch.DisplayName != nil {
			after.DisplayName = *ch.DisplayName
		}
		if ch.Phone != nil {
			after.Phone = *ch.Phone
		}
		if activeAdmin(u) && !activeAdmin(after) {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`, id).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return station.Errorf(auth.CodeLastAdmin, "", "%s is the last enabled admin; make another admin first", u.Username)
			}
		}
		hash := u.PasswordHash
		if ch.PasswordHash != "" {
			hash = ch.PasswordHash
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ?, password_hash = ?, display_name = ?, phone = ?, updated_at = ? WHERE id = ?`,
			string(after.Role), after.Disabled, hash, after.DisplayName, after.Phone, stamp(time.Now()), id); err != nil {
			return err
		}
		if ch.RevokesSessions() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		if after.Role != auth.RoleOperator {
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_stations WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		out, err = userInTx(ctx, tx, id)
		return err
	})
	return out, err
}

func activeAdmin(u auth.User) bool { return u.Role == auth.RoleAdmin && !u.Disabled }

// RehashPassword replaces the password hash of the user with id by newHash, but only while it is
// still oldHash (a password change in between wins). Sessions stay: the password is the same, only
// its hash parameters changed.
func (db *DB) RehashPassword(ctx context.Context, id int64, oldHash, newHash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, id, oldHash)
		return err
	})
}

// SetUserStations replaces the stations assigned to the user with id by stationIDs (none when empty),
// in one transaction, and returns the user as stored. It returns a not_found *station.Error when no
// user has id, not_operator when the user is not an operator, and invalid_parameter naming the first
// id of stationIDs that no station has (then nothing changes).
func (db *DB) SetUserStations(ctx context.Context, id int64, stationIDs []string) (auth.User, error) {
	var out auth.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := userInTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := setStations(ctx, tx, id, u.Role, stationIDs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET updated_at = ? WHERE id = ?`, stamp(time.Now()), id); err != nil {
			return err
		}
		out, err = userInTx(ctx, tx, id)
		return err
	})
	return out, err
}

// setStations replaces a user's assignments inside tx, checking each station id.
func setStations(ctx context.Context, tx *sql.Tx, userID int64, role auth.Role, stationIDs []string) error {
	if role != auth.RoleOperator && len(stationIDs) > 0 {
		return station.Errorf(auth.CodeNotOperator, "station_ids", "only operators are assigned stations; this user is %s", role)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_stations WHERE user_id = ?`, userID); err != nil {
		return err
	}
	check, err := tx.PrepareContext(ctx, `SELECT count(*) FROM station WHERE id = ?`)
	if err != nil {
		return err
	}
	defer check.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO user_stations (user_id, station_id) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	ids := append([]string(nil), stationIDs...)
	sort.Strings(ids)
	for _, sid := range ids {
		var n int
		if err := check.QueryRowContext(ctx, sid).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return station.Errorf(station.CodeInvalidParameter, "station_ids", "no station has id %q", sid)
		}
		if _, err := insert.ExecContext(ctx, userID, sid); err != nil {
			return err
		}
	}
	return nil
}

// CreateSession stores s.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`, s.IDHash, s.UserID, s.CSRFToken, stamp(s.CreatedAt), stamp(s.ExpiresAt), stamp(s.LastSeenAt))
		return err
	})
}

// Session returns the session stored under idHash and its user, if at now it has not passed its
// absolute end, was used within idle, and its user is enabled. Otherwise, and when there is no such
// session, it returns an unauthenticated *station.Error: to the caller these cases are all one.
func (db *DB) Session(ctx context.Context, idHash string, now time.Time, idle time.Duration) (auth.Session, auth.User, error) {
	s := auth.Session{IDHash: idHash}
	var created, expires, seen string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at,
			u.id, u.username, u.password_hash, u.role, u.disabled, u.display_name, u.phone, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled = 0`,
		idHash, stamp(now), stamp(now.Add(-idle))), &s.UserID, &s.CSRFToken, &created, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, station.Errorf(auth.CodeUnauthenticated, "", "no such session")
	}
	if err != nil {
		return s, u, err
	}
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&s.CreatedAt, created}, {&s.ExpiresAt, expires}, {&s.LastSeenAt, seen}} {
		if *f.dst, err = parseStamp(f.src); err != nil {
			return s, u, err
		}
	}
	u.Stations, err = stationsOf(ctx, db.read, u.ID)
	return s, u, err
}

// TouchSession records that the session stored under idHash was used at now (the idle timeout counts
// from then).
func (db *DB) TouchSession(ctx context.Context, idHash string, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?`, stamp(now), idHash, stamp(now))
		return err
	})
}

// DeleteSession ends the session stored under idHash; ending one that does not exist is no error.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
}

// DeleteExpiredSessions deletes the sessions that at now are past their absolute end or unused for
// idle, and returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, stamp(now), stamp(now.Add(-idle)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
