-- Stations, one row each. Coordinates are WGS-84; source_crs/source_text keep what an import supplied.
CREATE TABLE station (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    source_crs    TEXT NOT NULL DEFAULT 'wgs84',
    source_text   TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    district      TEXT NOT NULL DEFAULT '',
    adcode        TEXT NOT NULL DEFAULT '',
    amenities     TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open',
    status_note   TEXT NOT NULL DEFAULT '',
    audience      TEXT NOT NULL DEFAULT 'everyone',
    phone         TEXT NOT NULL DEFAULT '',
    operator      TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TEXT NOT NULL,
    verified_at   TEXT NOT NULL DEFAULT ''
) STRICT;

-- One row: the data version, bumped by every transaction that changes stations. Readers compare it to
-- the version of their in-memory snapshot; it is also the ETag of the offline dataset.
CREATE TABLE dataset (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO dataset (id, version) VALUES (1, 0);
