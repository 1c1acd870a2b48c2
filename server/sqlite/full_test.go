package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// A disk that fills up in the middle of an import (SQLITE_FULL) leaves the database as it was: the
// transaction rolls back whole, the file passes SQLite's integrity check, reads go on, and once there
// is room again the same import succeeds (reliability.md §4 F56). The error is storage_unavailable, which
// the API answers as 503 storage_unavailable.
func TestStorageFullRollsBack(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if _, err := db.Upsert(ctx, sample(100), now, station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	version, before, err := db.LoadAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	batch := sample(3000)
	for i := range batch {
		batch[i].ID = fmt.Sprintf("FULL-%04d", i)
		batch[i].Name = strings.Repeat("很长的驿站名称", 10)
	}
	if err := db.LimitPages(ctx, 10); err != nil {
		t.Fatal(err)
	}
	_, err = db.Upsert(ctx, batch, now, station.UpsertOptions{Actor: station.Actor{Name: "admin"}})
	if station.ErrorCode(err) != station.CodeStorageUnavailable || !strings.Contains(errors.Unwrap(err).Error(), "full") {
		t.Fatalf("import into a full database: %v, want storage_unavailable with the cause", err)
	}
	gotVersion, after, err := db.LoadAll(ctx)
	if err != nil || gotVersion != version || !reflect.DeepEqual(after, before) {
		t.Fatalf("after the failed import: version %d (was %d), %d stations (was %d), err %v", gotVersion, version, len(after), len(before), err)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	var audit int
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM station_audit`).Scan(&audit); err != nil || audit != 0 {
		t.Fatalf("audit rows after the failed import: %d %v", audit, err)
	}

	if err := db.LimitPages(ctx, 1<<30); err != nil { // room again
		t.Fatal(err)
	}
	res, err := db.Upsert(ctx, batch, now, station.UpsertOptions{Actor: station.Actor{Name: "admin"}})
	if err != nil || res.Created != len(batch) {
		t.Fatalf("the same import with room: %+v %v", res, err)
	}
}
