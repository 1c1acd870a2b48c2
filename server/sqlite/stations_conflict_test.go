package sqlite_test

import (
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// A row that carries the version it was exported at is applied only to a station still at that
// version; a changed row for a station that has moved on is a conflict, and then nothing of the
// import is written. Unchanged rows and rows without a version are never conflicts.
func TestUpsertVersionConflicts(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if _, err := db.Upsert(ctx, sample(3), now, station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	_, exported, err := db.LoadAll(ctx) // every station at version 1
	if err != nil {
		t.Fatal(err)
	}
	edited := append(exported[:0:0], exported...)
	edited[0].Name = "运营方改过的名称" // someone's edit after the export: station 0 goes to version 2
	edited[0].Version = 0
	if _, err := db.Upsert(ctx, edited[:1], now, station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}

	stale := append(exported[:0:0], exported...) // the old export, with two rows changed in the sheet
	stale[0].Name = "表格里的旧改法"
	stale[1].Name = "表格里的新改法"
	before, _, _ := db.LoadAll(ctx)
	res, err := db.Upsert(ctx, stale, now, station.UpsertOptions{})
	if err != nil || len(res.Conflicts) != 1 || res.Conflicts[0] != (station.Conflict{Index: 0, ID: stale[0].ID, Based: 1, Current: 2}) {
		t.Fatalf("stale import: %+v %v", res, err)
	}
	after, got, _ := db.LoadAll(ctx)
	if after != before || got[0].Name != "运营方改过的名称" || got[1].Name == "表格里的新改法" {
		t.Fatalf("a conflicting import wrote something: version %d→%d, names %q %q", before, after, got[0].Name, got[1].Name)
	}

	// Row 0 unchanged from the current state: no conflict whatever version it names. Without a
	// version, a row overwrites.
	stale[0] = got[0]
	stale[0].Version = 1
	stale[1].Version = 0
	res, err = db.Upsert(ctx, stale, now, station.UpsertOptions{})
	if err != nil || len(res.Conflicts) != 0 || res.Updated != 1 || res.Unchanged != 2 {
		t.Fatalf("import without conflicts: %+v %v", res, err)
	}
}
