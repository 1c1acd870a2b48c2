package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

func TestEditStation(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(3)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	id := sts[1].ID
	dv0, _ := db.DataVersion(ctx)
	op := station.Actor{UserID: 7, Name: "张站长"}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

	got, _, err := db.EditStation(ctx, id, 1, op, now, false, func(st *station.Station) *station.Error {
		st.OpeningHours, st.Phone = "Mo-Fr 08:00-18:00", "024-12345678"
		return nil
	})
	if err != nil || got.Version != 2 || got.OpeningHours != "Mo-Fr 08:00-18:00" || !got.UpdatedAt.Equal(now) {
		t.Fatalf("edit: %+v %v", got, err)
	}
	if dv, _ := db.DataVersion(ctx); dv != dv0+1 {
		t.Fatalf("data version %d after an edit, want %d", dv, dv0+1)
	}
	// A stale If-Match is refused with the current station, and changes nothing.
	cur, _, err := db.EditStation(ctx, id, 1, op, now, false, func(st *station.Station) *station.Error {
		st.Phone = "0411-00000000"
		return nil
	})
	var se *station.Error
	if !errors.As(err, &se) || se.Code != station.CodeVersionConflict || cur.Version != 2 || cur.Phone != "024-12345678" {
		t.Fatalf("stale edit: %+v %v", cur, err)
	}
	// Invalid results and apply's own errors change nothing either.
	for _, apply := range []func(*station.Station) *station.Error{
		func(st *station.Station) *station.Error { st.Phone = "call me"; return nil },
		func(st *station.Station) *station.Error { st.StatusNote = "a\u202eb"; return nil },
		func(st *station.Station) *station.Error { return station.Errorf(station.CodeForbidden, "name", "no") },
	} {
		if _, _, err := db.EditStation(ctx, id, 2, op, now, false, apply); err == nil {
			t.Fatal("an invalid edit was accepted")
		}
	}
	// Nothing changed: no new version.
	same, _, err := db.EditStation(ctx, id, 2, op, now, false, func(*station.Station) *station.Error { return nil })
	if err != nil || same.Version != 2 {
		t.Fatalf("no-op edit: %+v %v", same, err)
	}
	// "Still accurate" stamps verified_at and is recorded as a verification.
	later := now.Add(time.Hour)
	v, _, err := db.EditStation(ctx, id, 2, op, later, true, func(st *station.Station) *station.Error {
		st.VerifiedAt = later
		return nil
	})
	if err != nil || v.Version != 3 || !v.VerifiedAt.Equal(later) {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if _, _, err := db.EditStation(ctx, "nope", 1, op, now, false, func(*station.Station) *station.Error { return nil }); !errors.As(err, &se) || se.Code != station.CodeNotFound {
		t.Fatalf("unknown station: %v", err)
	}

	hist, err := db.History(ctx, id, 100)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %+v %v", hist, err)
	}
	if h := hist[0]; h.Action != "verify" || h.Version != 3 || h.Actor != "张站长" || h.UserID != 7 || len(h.After) != 1 {
		t.Fatalf("newest entry: %+v", h)
	}
	if h := hist[1]; h.Action != "edit" || h.Before["phone"] != "024-01234567" || h.After["phone"] != "024-12345678" ||
		h.After["opening_hours"] != "Mo-Fr 08:00-18:00" || len(h.After) != 2 || !h.At.Equal(now) {
		t.Fatalf("edit entry: %+v", h)
	}
}

// Imports are audited: each created and changed station, with the fields that changed.
func TestUpsertAudit(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(2)
	imp := station.UpsertOptions{Actor: station.Actor{Name: "import"}}
	if _, err := db.Upsert(ctx, sts, time.Now(), imp); err != nil {
		t.Fatal(err)
	}
	sts[0].Name = "改名驿站"
	if _, err := db.Upsert(ctx, sts, time.Now(), imp); err != nil {
		t.Fatal(err)
	}
	h0, _ := db.History(ctx, sts[0].ID, 10)
	h1, _ := db.History(ctx, sts[1].ID, 10)
	if len(h0) != 2 || h0[0].Action != "import" || h0[0].After["name"] != "改名驿站" || len(h0[0].After) != 1 || h0[1].Action != "create" {
		t.Fatalf("changed station: %+v", h0)
	}
	if len(h1) != 1 || h1[0].Action != "create" {
		t.Fatalf("unchanged station: %+v", h1)
	}
}

// A few rows against many stations are read by id, not by loading the table, with the same result:
// created, updated, unchanged, a repeated id, and the audit of each.
func TestUpsertFewAmongMany(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(200)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	changed := sts[5]
	changed.Name += "（改）"
	changed.Version = 0 // no exported version: overwrite whatever is stored
	again := changed
	again.Phone = "024-99998888"
	fresh := sts[7]
	fresh.ID = "ZZ-NEW"
	res, err := db.Upsert(ctx, []station.Station{changed, sts[9], fresh, again}, time.Now(), station.UpsertOptions{Actor: station.Actor{Name: "t"}})
	if err != nil || res.Created != 1 || res.Updated != 2 || res.Unchanged != 1 || len(res.Written) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	_, all, err := db.LoadAll(ctx)
	if err != nil || len(all) != 201 {
		t.Fatalf("%d stations, %v", len(all), err)
	}
	for _, st := range all {
		switch st.ID {
		case changed.ID:
			if st.Name != changed.Name || st.Phone != "024-99998888" || st.Version != 3 {
				t.Errorf("changed twice: %+v", st)
			}
		case sts[9].ID:
			if st.Version != 1 {
				t.Errorf("unchanged station at version %d", st.Version)
			}
		}
	}
}
