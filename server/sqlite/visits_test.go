package sqlite_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// visitCount runs a count query on the file through a connection of its own.
func visitCount(t *testing.T, path, query string, args ...any) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A device counts once per station and day; the devices of days before keepFrom are forgotten; the
// lasting record is one row per station and day.
func TestRecordVisit(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(3) // open, temporarily closed, closed
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	a, b := sts[0].ID, sts[1].ID
	steps := []struct {
		id, day, keepFrom, device string
		counted                   bool
	}{
		{a, "2026-12-06", "2026-12-05", "d1", true},
		{a, "2026-12-06", "2026-12-05", "d1", false},
		{a, "2026-12-06", "2026-12-05", "d2", true},
		{b, "2026-12-06", "2026-12-05", "d1", true}, // another station
		{a, "2026-12-07", "2026-12-06", "d1", true}, // another day
		{a, "2026-12-08", "2026-12-07", "d3", true}, // forgets the devices of the 6th
	}
	for i, s := range steps {
		got, err := db.RecordVisit(ctx, s.id, s.day, s.keepFrom, s.device)
		if err != nil || got != s.counted {
			t.Fatalf("step %d %+v: counted %v %v", i, s, got, err)
		}
	}
	want := []station.VisitDay{{StationID: a, Day: "2026-12-06", App: 2}, {StationID: a, Day: "2026-12-07", App: 1}, {StationID: a, Day: "2026-12-08", App: 1}}
	got, err := db.Visits(ctx, a, "2026-01-01", "2026-12-31")
	if err != nil || len(got) != len(want) {
		t.Fatalf("visits %+v %v", got, err)
	}
	for i := range want {
		if got[i].Day != want[i].Day || got[i].App != want[i].App || got[i].Served != nil {
			t.Fatalf("visits %+v, want %+v", got, want)
		}
	}
	if n := visitCount(t, db.Path(), `SELECT count(*) FROM visit_device WHERE day < '2026-12-07'`); n != 0 {
		t.Fatalf("%d device rows of days gone", n)
	}

	for _, id := range []string{"LN-nope", sts[2].ID} { // unknown; closed for good
		if _, err := db.RecordVisit(ctx, id, "2026-12-08", "2026-12-07", "d9"); station.ErrorCode(err) != station.CodeNotFound {
			t.Fatalf("%s: %v", id, err)
		}
	}
	if n := visitCount(t, db.Path(), `SELECT count(*) FROM visit WHERE station_id <> ?`, a); n != 1 {
		t.Fatalf("%d rows of other stations, want b's one", n)
	}
	// Visits are not station data: the data version (the offline dataset's ETag) stays put.
	if v, err := db.DataVersion(ctx); err != nil || v != 1 {
		t.Fatalf("data version %d %v after visits", v, err)
	}
}

// The last count of people served stands beside the app's count; each change is in the station's
// history, and setting the same count again adds nothing.
func TestSetServed(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(1)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	id, day := sts[0].ID, "2026-12-06"
	if _, err := db.RecordVisit(ctx, id, day, "2026-12-05", "d1"); err != nil {
		t.Fatal(err)
	}
	op := station.Actor{UserID: 7, Name: "王站长"}
	now := time.Date(2026, 12, 7, 1, 2, 3, 0, time.UTC)
	for _, count := range []int64{30, 35, 35} {
		v, err := db.SetServed(ctx, id, day, count, op, now)
		if err != nil || v.App != 1 || v.Served == nil || *v.Served != count || v.Visits() != 1+count {
			t.Fatalf("set %d: %+v %v", count, v, err)
		}
	}
	if _, err := db.SetServed(ctx, "LN-nope", day, 3, op, now); station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown station: %v", err)
	}
	h, err := db.History(ctx, id, 10)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v %v", h, err)
	}
	first, last := h[1], h[0]
	if first.Action != "edit" || first.Actor != "王站长" || first.UserID != 7 || first.Version != 1 ||
		first.Before["served"] != nil || first.Before["served_on"] != day || first.After["served"] != float64(30) ||
		last.Before["served"] != float64(30) || last.After["served"] != float64(35) || last.After["served_on"] != day || !last.At.Equal(now) {
		t.Fatalf("history %+v", h)
	}
	if v, err := db.DataVersion(ctx); err != nil || v != 1 {
		t.Fatalf("data version %d %v after counts", v, err)
	}
}

// BenchmarkRecordVisit is the cost of one rider's "I'm here": one write transaction (synchronous=FULL)
// that checks the station, forgets old devices, inserts the device and counts it.
func BenchmarkRecordVisit(b *testing.B) {
	db := MustOpenDB(b)
	sts := sample(100)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.RecordVisit(ctx, sts[i%3*3].ID, "2026-12-07", "2026-12-06", fmt.Sprintf("%032x", i)); err != nil {
			b.Fatal(err)
		}
	}
}
