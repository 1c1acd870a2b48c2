package sqlite_test

import (
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// A stored year replaces the built-in one, bumps the data version, keeps who and when, and leaves an
// audit entry with the days before and after.
func TestSaveHolidayYear(t *testing.T) {
	db, err := sqlite.Open(t.TempDir() + "/y.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v0, _ := db.DataVersion(ctx)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	days := []hours.Day{{Date: "2027-02-06", Kind: "holiday", Name: "春节"}, {Date: "2027-02-20", Kind: "workday", Name: "春节调休上班"}}
	v1, err := db.SaveHolidayYear(ctx, 2027, days, station.Actor{UserID: 3, Name: "boss"}, now)
	if err != nil || v1 != v0+1 {
		t.Fatalf("version %d after %d, %v", v1, v0, err)
	}
	if _, err := db.SaveHolidayYear(ctx, 2027, days[:1], station.Actor{Name: "cli"}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	years, err := db.HolidayYears(ctx)
	if err != nil || len(years) != 1 || years[0].Year != 2027 || len(years[0].Days) != 1 || years[0].By != "cli" || !years[0].At.Equal(now.Add(time.Hour)) {
		t.Fatalf("%+v %v", years, err)
	}
	if n := countRows(t, db, `SELECT count(*) FROM holiday_audit WHERE year = 2027 AND before LIKE '%春节调休上班%'`); n != 1 {
		t.Errorf("audit rows with the earlier days as before: %d", n)
	}
	cal, err := db.Calendar(ctx, hours.DefaultCalendar)
	if err != nil || !cal.Covers(2027) || !cal.Covers(2026) {
		t.Fatalf("%v %v", cal.Years(), err)
	}
	if name, ok := cal.Holiday(2027, 2, 6); !ok || name != "春节" {
		t.Error("2027-02-06 is no holiday")
	}
}
