package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/yizhan/yizhan/server/sqlite"
)

// The counts behind the office's numbers: visits as app + served (served NULL is none) within the
// days asked for, reports by the Shanghai day they were filed and their state now.
func TestStationCountsAndVisitsByMonth(t *testing.T) {
	path := filepath.Join(t.TempDir(), "y.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO visit (station_id, day, app, served) VALUES
			('a', '2026-01-31', 3, NULL), ('a', '2026-02-01', 1, 20), ('a', '2026-03-01', 0, 0),
			('b', '2026-02-10', 0, 7), ('b', '2025-12-31', 100, 100), ('c', '2026-02-11', 0, NULL)`,
		// 2026-02-01 00:30 in Shanghai is still 2026-01-31 in UTC; 2026-02-28 23:59 there is the 28th.
		`INSERT INTO report (station_id, reason, created_at, status) VALUES
			('a', 'locked', '2026-01-31T16:30:00.000Z', 'open'),
			('a', 'locked', '2026-01-31T15:59:59.999Z', 'open'),
			('b', 'closed', '2026-02-28T15:59:00.000Z', 'resolved'),
			('b', 'closed', '2026-02-28T16:00:00.000Z', 'open')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	counts, err := db.StationCounts(ctx, "2026-02-01", "2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(counts), "map[a:{21 1 0} b:{7 0 1}]"; got != want {
		t.Errorf("counts %s, want %s", got, want)
	}
	months, err := db.VisitsByMonth(ctx, nil, "2026-01-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(months), "[{2026-01 3} {2026-02 28}]"; got != want {
		t.Errorf("months %s, want %s", got, want)
	}
	months, err = db.VisitsByMonth(ctx, []string{"b", "c"}, "2025-12-01", "2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(months), "[{2025-12 200} {2026-02 7}]"; got != want {
		t.Errorf("months of b and c %s, want %s", got, want)
	}
	if months, err = db.VisitsByMonth(ctx, []string{}, "2025-01-01", "2026-12-31"); err != nil || len(months) != 0 {
		t.Errorf("no stations: %v %v", months, err)
	}
}
