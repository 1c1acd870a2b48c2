-- Every change of a station, with who made it and the fields before and after (JSON objects of the
-- changed fields only), written in the same transaction as the change.
CREATE TABLE station_audit (
    id         INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    version    INTEGER NOT NULL, -- the version the change produced
    action     TEXT NOT NULL CHECK (action IN ('create', 'edit', 'verify', 'import')),
    user_id    INTEGER NOT NULL DEFAULT 0, -- 0: not a logged-in user (import from the command line)
    actor      TEXT NOT NULL,    -- the username then, or "import"
    at         TEXT NOT NULL,
    before     TEXT NOT NULL,
    after      TEXT NOT NULL
) STRICT;
CREATE INDEX station_audit_station ON station_audit (station_id, id);
