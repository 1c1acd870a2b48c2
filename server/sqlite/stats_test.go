package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
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

// The monthly sums the triggers keep give what adding up the days gives, for periods of whole
// months, parts of months and both, after visits are recorded, changed and removed.
func TestVisitMonthsAgreeWithTheDays(t *testing.T) {
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
		// 3 stations × 120 days from 2025-12-15, app and served varying, served sometimes NULL
		`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 2),
			d(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM d WHERE j < 119)
		INSERT INTO visit (station_id, day, app, served)
			SELECT 'st' || i, date('2025-12-15', '+' || j || ' days'), (i + j) % 4, CASE WHEN j % 3 = 0 THEN NULL ELSE j % 7 END FROM s, d`,
		// the writes the visits' write path makes: an upsert of a day's app count, a served count changed
		`INSERT INTO visit (station_id, day, app) VALUES ('st0', '2026-01-10', 1) ON CONFLICT (station_id, day) DO UPDATE SET app = app + 1`,
		`INSERT INTO visit (station_id, day, app) VALUES ('st9', '2026-02-02', 1) ON CONFLICT (station_id, day) DO UPDATE SET app = app + 1`,
		`UPDATE visit SET served = 100 WHERE station_id = 'st1' AND day = '2026-02-28'`,
		`UPDATE visit SET served = NULL WHERE station_id = 'st2' AND day = '2026-03-01'`,
		`DELETE FROM visit WHERE station_id = 'st2' AND day = '2026-01-31'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, p := range [][2]string{
		{"2026-01-01", "2026-01-31"}, {"2025-12-01", "2026-04-30"}, {"2025-12-20", "2026-03-05"}, {"2026-01-10", "2026-01-20"},
		{"2026-02-28", "2026-03-01"}, {"2026-01-01", "2026-02-15"}, {"2026-02-15", "2026-03-31"}, {"2026-02-02", "2026-02-02"},
	} {
		counts, err := db.StationCounts(ctx, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		rows, err := raw.Query(`SELECT station_id, sum(app + coalesce(served, 0)) FROM visit WHERE day BETWEEN ? AND ? GROUP BY 1`, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{}
		for rows.Next() {
			var id string
			var n int64
			rows.Scan(&id, &n)
			want[id] = n
		}
		rows.Close()
		for id, n := range want {
			if counts[id].Visits != n {
				t.Errorf("%v %s: %d visits, the days add up to %d", p, id, counts[id].Visits, n)
			}
		}
		var byMonth []string
		rows, err = raw.Query(`SELECT substr(day, 1, 7), sum(app + coalesce(served, 0)) FROM visit
			WHERE day BETWEEN ? AND ? AND station_id IN ('st0', 'st2') GROUP BY 1 HAVING sum(app + coalesce(served, 0)) != 0 ORDER BY 1`, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var m string
			var n int64
			rows.Scan(&m, &n)
			byMonth = append(byMonth, fmt.Sprintf("{%s %d}", m, n))
		}
		rows.Close()
		months, err := db.VisitsByMonth(ctx, []string{"st0", "st2"}, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(months), "["+strings.Join(byMonth, " ")+"]"; got != want {
			t.Errorf("%v: months %s, the days give %s", p, got, want)
		}
		all, err := db.VisitsByMonth(ctx, nil, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		var total, wantTotal int64
		for _, m := range all {
			total += m.Count
		}
		for _, n := range want {
			wantTotal += n
		}
		if total != wantTotal {
			t.Errorf("%v: all stations' months sum to %d, the days to %d", p, total, wantTotal)
		}
	}
}
