-- Visits (issue 15), kept per station and day, not per event.
-- visit: the lasting record. day is YYYY-MM-DD in Asia/Shanghai. app counts the devices that said
--   "I'm here" in the PWA that day (each once); served is how many people the station served without
--   the app, as its operator recorded it (NULL: nothing recorded; the last value recorded stands).
--   A day's visits are app + coalesce(served, 0).
-- visit_device: the devices already counted, so that a device counts once per station and day. device
--   is a hash of the station, the day and the device's own id (write.deviceHash), never the id, and
--   it links no two rows; rows of days before yesterday are deleted as new days come.
-- station_id: no foreign key, like report.station_id: visits must outlive an import's replacement.
CREATE TABLE visit (
    station_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    app        INTEGER NOT NULL DEFAULT 0,
    served     INTEGER,
    PRIMARY KEY (station_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE visit_device (
    day        TEXT NOT NULL,
    station_id TEXT NOT NULL,
    device     TEXT NOT NULL,
    PRIMARY KEY (day, station_id, device)
) STRICT, WITHOUT ROWID;
