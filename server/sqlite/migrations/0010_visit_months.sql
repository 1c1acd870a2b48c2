-- Visits summed by month, for the office's numbers (GET /api/v1/admin/stats, /api/v1/my/visits): a
-- year of daily records at every station is six million visit rows, too many to add up per request.
-- visit_month: a station's visits (app + coalesce(served, 0)) in a month ('2026-03').
-- visit_month_all: every station's together, for the province's chart.
-- Triggers on visit keep both exact; visit_by_day finds the days of a month only partly asked for.
-- (A row is made with INSERT ... WHERE NOT EXISTS, not INSERT OR IGNORE: an upsert into visit, as the
-- visits' write path does, would impose its own conflict handling on the trigger's.)
CREATE TABLE visit_month (
    station_id TEXT NOT NULL,
    month      TEXT NOT NULL,
    visits     INTEGER NOT NULL,
    PRIMARY KEY (station_id, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE visit_month_all (
    month  TEXT PRIMARY KEY,
    visits INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX visit_by_day ON visit (day, station_id, app, served);

INSERT INTO visit_month (station_id, month, visits)
    SELECT station_id, substr(day, 1, 7), sum(app + coalesce(served, 0)) FROM visit GROUP BY 1, 2;
INSERT INTO visit_month_all (month, visits) SELECT month, sum(visits) FROM visit_month GROUP BY 1;

CREATE TRIGGER visit_month_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_month (station_id, month, visits) SELECT NEW.station_id, substr(NEW.day, 1, 7), 0
        WHERE NOT EXISTS (SELECT 1 FROM visit_month WHERE station_id = NEW.station_id AND month = substr(NEW.day, 1, 7));
    UPDATE visit_month SET visits = visits + NEW.app + coalesce(NEW.served, 0)
        WHERE station_id = NEW.station_id AND month = substr(NEW.day, 1, 7);
    INSERT INTO visit_month_all (month, visits) SELECT substr(NEW.day, 1, 7), 0
        WHERE NOT EXISTS (SELECT 1 FROM visit_month_all WHERE month = substr(NEW.day, 1, 7));
    UPDATE visit_month_all SET visits = visits + NEW.app + coalesce(NEW.served, 0) WHERE month = substr(NEW.day, 1, 7);
END;

CREATE TRIGGER visit_month_delete AFTER DELETE ON visit BEGIN
    UPDATE visit_month SET visits = visits - OLD.app - coalesce(OLD.served, 0)
        WHERE station_id = OLD.station_id AND month = substr(OLD.day, 1, 7);
    UPDATE visit_month_all SET visits = visits - OLD.app - coalesce(OLD.served, 0) WHERE month = substr(OLD.day, 1, 7);
END;

CREATE TRIGGER visit_month_update AFTER UPDATE ON visit BEGIN
    UPDATE visit_month SET visits = visits - OLD.app - coalesce(OLD.served, 0)
        WHERE station_id = OLD.station_id AND month = substr(OLD.day, 1, 7);
    UPDATE visit_month_all SET visits = visits - OLD.app - coalesce(OLD.served, 0) WHERE month = substr(OLD.day, 1, 7);
    INSERT INTO visit_month (station_id, month, visits) SELECT NEW.station_id, substr(NEW.day, 1, 7), 0
        WHERE NOT EXISTS (SELECT 1 FROM visit_month WHERE station_id = NEW.station_id AND month = substr(NEW.day, 1, 7));
    UPDATE visit_month SET visits = visits + NEW.app + coalesce(NEW.served, 0)
        WHERE station_id = NEW.station_id AND month = substr(NEW.day, 1, 7);
    INSERT INTO visit_month_all (month, visits) SELECT substr(NEW.day, 1, 7), 0
        WHERE NOT EXISTS (SELECT 1 FROM visit_month_all WHERE month = substr(NEW.day, 1, 7));
    UPDATE visit_month_all SET visits = visits + NEW.app + coalesce(NEW.served, 0) WHERE month = substr(NEW.day, 1, 7);
END;
