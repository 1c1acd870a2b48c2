-- Accounts, sessions and the stations each operator runs (server/auth; issue 5).
-- users.username: unique without regard to ASCII case, so "Alice" cannot sit beside "alice".
-- users.password_hash: an argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
-- sessions.id_hash: the hex SHA-256 of the session token in the cookie; the token itself is never
--   stored, so a copy of this file opens no session. expires_at is the absolute end; the idle timeout
--   is checked against last_seen_at. Deleting a user deletes their sessions and assignments.
-- user_stations.station_id: no foreign key, like report.station_id: an import may replace station
--   rows, and assignments must outlive that.
-- Timestamps are RFC 3339 in UTC with fixed-width milliseconds, so text order is time order.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Revoking all of a user's sessions (disable, password change).
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE user_stations (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    station_id TEXT NOT NULL,
    PRIMARY KEY (user_id, station_id)
) STRICT, WITHOUT ROWID;

-- Who runs a station (operator edits and reports, issue 5).
CREATE INDEX user_stations_station ON user_stations (station_id);
