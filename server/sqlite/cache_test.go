package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

func openTemp(t *testing.T, name string) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func cacheSample(n int) []station.Station {
	out := make([]station.Station, n)
	for i := range out {
		out[i] = station.Station{
			ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Name: "缓存测试驿站", Kind: station.Kind(i % 5),
			Lon: 123 + float64(i)/7, Lat: 41 - float64(i)/9, SourceCRS: "gcj02", SourceText: "123.4,41.8",
			Address: "沈阳市和平区", City: "沈阳市", District: "和平区", Adcode: "210102",
			Amenities: station.AmenitySet(i * 37), OpeningHours: "Mo-Fr 08:00-18:00", Status: station.Status(i % 3),
			StatusNote: "", Audience: station.Audience(i % 3), Phone: "024-01234567", Operator: "测试单位",
		}
		if i%2 == 0 {
			out[i].VerifiedAt = time.Date(2026, 10, 1, 8, 0, 0, 123456789, time.UTC)
		}
	}
	return out
}

func mustLoad(t *testing.T, db *DB) (int64, []station.Station) {
	t.Helper()
	v, sts, err := db.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v, sts
}

func mustUpsert(t *testing.T, db *DB, sts []station.Station) {
	t.Helper()
	if _, err := db.Upsert(context.Background(), sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
}

// A cached load is the same as a load from the table, to the last field.
func TestCacheRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, "c.db")
	mustUpsert(t, db, cacheSample(300))
	v, fromTable := mustLoad(t, db)
	if _, err := os.Stat(db.cachePath()); !os.IsNotExist(err) {
		t.Fatalf("LoadAll wrote a cache by itself: %v", err)
	}
	if err := db.SaveCache(ctx, v, station.Slice(fromTable)); err != nil {
		t.Fatal(err)
	}
	v2, fromCache := mustLoad(t, db)
	if v2 != v || !reflect.DeepEqual(fromCache, fromTable) {
		t.Fatalf("cached load differs from the table")
	}
}

// The cache is used when it matches: a cache written with different stations for the current state
// is what LoadAll returns (which is how this test can tell that the file was read at all).
func TestCacheIsUsedOnlyForItsState(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, "c.db")
	mustUpsert(t, db, cacheSample(50))
	v, sts := mustLoad(t, db)
	var token string
	if err := db.read.QueryRowContext(ctx, `SELECT token FROM dataset`).Scan(&token); err != nil || len(token) != 16 {
		t.Fatalf("token %q %v", token, err)
	}
	marked := append([]station.Station(nil), sts...)
	marked[7].Name = "只在缓存里"
	if err := db.writeCache(v, token, station.Slice(marked)); err != nil {
		t.Fatal(err)
	}
	if _, got := mustLoad(t, db); got[7].Name != "只在缓存里" {
		t.Fatalf("a matching cache was not used")
	}
	// Another token (the same version reached along another history) misses.
	if err := db.writeCache(v, "0000000000000000", station.Slice(marked)); err != nil {
		t.Fatal(err)
	}
	if _, got := mustLoad(t, db); !reflect.DeepEqual(got, sts) {
		t.Fatalf("a cache of another state was used")
	}
	// SaveCache for a version the database has moved past writes nothing.
	changed := append([]station.Station(nil), sts...)
	changed[3].Phone = "0411-01234567"
	mustUpsert(t, db, changed)
	if err := db.SaveCache(ctx, v, station.Slice(marked)); err != nil {
		t.Fatal(err)
	}
	if _, got := mustLoad(t, db); got[3].Phone != "0411-01234567" || got[7].Name == "只在缓存里" {
		t.Fatalf("a stale cache was used")
	}
}

// A cache file damaged anywhere (a torn write after power loss) is ignored, never half-read.
func TestCacheDamageIsIgnored(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, "c.db")
	mustUpsert(t, db, cacheSample(100))
	v, want := mustLoad(t, db)
	if err := db.SaveCache(ctx, v, station.Slice(want)); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(db.cachePath())
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, len(cacheMagic) + 3, len(good) / 2, len(good) - 1} {
		bad := append([]byte(nil), good...)
		bad[at] ^= 0x40
		for _, content := range [][]byte{bad, good[:at]} {
			if err := os.WriteFile(db.cachePath(), content, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, got := mustLoad(t, db); !reflect.DeepEqual(got, want) {
				t.Fatalf("damage at byte %d changed what LoadAll returns", at)
			}
		}
	}
}

// A database restored from a backup and then changed differently reaches an old version number again
// with other data; the cache written before the restore must not be taken for it.
func TestCacheAfterRestoredBackup(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t, "live.db")
	sts := cacheSample(40)
	mustUpsert(t, db, sts)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, backup); err != nil {
		t.Fatal(err)
	}
	sts[1].Name = "第一种改法"
	mustUpsert(t, db, sts)
	v, first := mustLoad(t, db)
	if err := db.SaveCache(ctx, v, station.Slice(first)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Restore: the backup replaces the live file, the cache stays beside it.
	live := db.path
	os.Remove(live + "-wal")
	os.Remove(live + "-shm")
	raw, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(live, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	restored, err := Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	sts[1].Name = "第二种改法"
	for i := range sts {
		sts[i].Version = 0 // rows that say nothing of the version they were based on overwrite
	}
	mustUpsert(t, restored, sts)
	v2, got := mustLoad(t, restored)
	if v2 != v {
		t.Fatalf("test set-up: versions %d and %d should coincide", v, v2)
	}
	for _, st := range got {
		if st.ID == sts[1].ID && st.Name != "第二种改法" {
			t.Fatalf("the pre-restore cache was used: %q", st.Name)
		}
	}
}
