-- Years of the official holiday arrangement imported by admins (from the State Council's notice). A
-- stored year replaces the built-in calendar's for that year. days is a JSON array of
-- {"date","kind","name"}; who stored it and when are kept with it, and every change in holiday_audit.
-- Storing a year bumps the data version, so every serve process rebuilds its snapshot's calendar.
CREATE TABLE holiday_year (
    year        INTEGER PRIMARY KEY,
    days        TEXT NOT NULL,
    user_id     INTEGER NOT NULL DEFAULT 0, -- 0: the command line
    actor       TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
CREATE TABLE holiday_audit (
    id      INTEGER PRIMARY KEY,
    year    INTEGER NOT NULL,
    user_id INTEGER NOT NULL DEFAULT 0,
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL,
    before  TEXT NOT NULL, -- the days stored before ('[]': none)
    after   TEXT NOT NULL
) STRICT;
