-- Riders' problem reports (POST /api/v1/stations/{id}/reports).
-- station_id: no foreign key on purpose. An import may one day replace station rows (delete, then
--   insert), and reports must outlive that; AddReport checks that the station exists in the same
--   transaction as the insert instead.
-- client: the sender's network, an IPv4 /24 or IPv6 /48 prefix such as '203.0.113.0/24', for abuse
--   review. The full address is never stored.
-- status: 'open' or 'resolved'; resolved_at and resolved_by stay '' while open.
-- Timestamps are RFC 3339 in UTC with fixed-width milliseconds, so text order is time order.
CREATE TABLE report (
    id          INTEGER PRIMARY KEY,
    station_id  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    client      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open',
    resolved_at TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- A station's reports in the order they came: the operators' view (issue 5).
CREATE INDEX report_station_created ON report (station_id, created_at);
