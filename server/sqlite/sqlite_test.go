package sqlite_test

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// MustOpenDB opens a fresh database file in a temporary folder (not :memory:, which would give each
// pooled connection its own empty database).
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func sample(n int) []station.Station {
	out := make([]station.Station, n)
	for i := range out {
		out[i] = station.Station{
			ID: "T-" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Name: "测试驿站", Kind: station.Kind(i % 5),
			Lon: 123 + float64(i)/1000, Lat: 41 + float64(i)/1000, SourceCRS: "wgs84",
			Amenities: station.AmenitySet(i), OpeningHours: "24/7", Status: station.Status(i % 3),
			Audience: station.Audience(i % 3), Phone: "024-01234567", Operator: "测试单位",
			VerifiedAt: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC),
		}
	}
	return out
}

var ctx = context.Background()

func TestPragmas(t *testing.T) {
	db := MustOpenDB(t)
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q %v", mode, err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n < 1 {
		t.Fatalf("migrations %d %v", n, err)
	}
	// The store's own connections: every commit synced (FULL = 2), a busy timeout, foreign keys on.
	for name, want := range map[string]string{"synchronous": "2", "busy_timeout": "10000", "foreign_keys": "1", "journal_mode": "wal"} {
		if w, r, err := db.Pragma(ctx, name); err != nil || w != want || r != want {
			t.Errorf("%s: writer %q reader %q (%v), want %q", name, w, r, err, want)
		}
	}
}

func TestMigrationsRunOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for i := 0; i < 3; i++ {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if _, err := db.Upsert(ctx, sample(1), time.Now(), station.UpsertOptions{}); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestUpsert(t *testing.T) {
	db := MustOpenDB(t)
	in := sample(60)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	res, err := db.Upsert(ctx, in, t0, station.UpsertOptions{})
	if err != nil || res.Created != 60 || res.DataVersion != 1 {
		t.Fatalf("first upsert %+v %v", res, err)
	}
	v, got, err := db.LoadAll(ctx)
	if err != nil || v != 1 || len(got) != 60 {
		t.Fatalf("load %d %d %v", v, len(got), err)
	}
	for i := range got {
		want := in[i] // sample ids sort in creation order within each letter group; compare by id
		for _, s := range in {
			if s.ID == got[i].ID {
				want = s
			}
		}
		want.Version, want.UpdatedAt = 1, t0
		if got[i] != want {
			t.Fatalf("round trip\n got %+v\nwant %+v", got[i], want)
		}
		if i > 0 && got[i-1].ID >= got[i].ID {
			t.Fatalf("LoadAll not sorted by id")
		}
	}
	// Same data again: nothing changes, not even the data version.
	res, err = db.Upsert(ctx, in, t0.Add(time.Hour), station.UpsertOptions{})
	if err != nil || res.Unchanged != 60 || res.Created+res.Updated != 0 || res.DataVersion != 1 {
		t.Fatalf("same data %+v %v", res, err)
	}
	// Two changed, one new: versions bump for those only.
	in[3].Phone = "0411-01234567"
	in[7].Amenities = in[7].Amenities.With(station.Shower)
	in = append(in, sample(61)[60])
	res, err = db.Upsert(ctx, in, t0.Add(2*time.Hour), station.UpsertOptions{})
	if err != nil || res.Updated != 2 || res.Created != 1 || res.Unchanged != 58 || res.DataVersion != 2 {
		t.Fatalf("changes %+v %v", res, err)
	}
	_, got, _ = db.LoadAll(ctx)
	for _, st := range got {
		wantV := int64(1)
		if st.ID == in[3].ID || st.ID == in[7].ID {
			wantV = 2
			if !st.UpdatedAt.Equal(t0.Add(2 * time.Hour)) {
				t.Fatalf("%s updated_at %v", st.ID, st.UpdatedAt)
			}
		}
		if st.Version != wantV {
			t.Fatalf("%s version %d, want %d", st.ID, st.Version, wantV)
		}
	}
}

func TestDryRunAndOnlyIfEmpty(t *testing.T) {
	db := MustOpenDB(t)
	res, err := db.Upsert(ctx, sample(10), time.Now(), station.UpsertOptions{DryRun: true})
	if err != nil || res.Created != 10 {
		t.Fatalf("dry run %+v %v", res, err)
	}
	if v, got, _ := db.LoadAll(ctx); v != 0 || len(got) != 0 {
		t.Fatalf("dry run wrote: version %d, %d rows", v, len(got))
	}
	if res, err := db.Upsert(ctx, sample(10), time.Now(), station.UpsertOptions{OnlyIfEmpty: true}); err != nil || res.Created != 10 {
		t.Fatalf("seed %+v %v", res, err)
	}
	if res, err := db.Upsert(ctx, sample(20), time.Now(), station.UpsertOptions{OnlyIfEmpty: true}); err != nil || res.Created != 0 || res.DataVersion != 1 {
		t.Fatalf("second seed %+v %v", res, err)
	}
	if _, got, _ := db.LoadAll(ctx); len(got) != 10 {
		t.Fatalf("%d rows after the second seed", len(got))
	}
}

// A failing row rolls the whole batch back.
func TestUpsertAllOrNothing(t *testing.T) {
	db := MustOpenDB(t)
	in := sample(30)
	in[29].Lon = math.NaN() // SQLite stores NaN as NULL, which the NOT NULL constraint refuses
	if _, err := db.Upsert(ctx, in, time.Now(), station.UpsertOptions{}); err == nil {
		t.Fatal("upsert of a NaN coordinate succeeded")
	}
	if v, got, _ := db.LoadAll(ctx); v != 0 || len(got) != 0 {
		t.Fatalf("partial write: version %d, %d rows", v, len(got))
	}
}

// Ping answers while the writer is busy (a long import holds the one write connection): readiness
// must not wait for writes.
func TestPingWhileWriting(t *testing.T) {
	db := MustOpenDB(t)
	release := make(chan struct{})
	writing := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.HoldWriter(ctx, func() { close(writing); <-release })
	}()
	<-writing
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := db.Ping(pingCtx)
	close(release)
	if err != nil {
		t.Fatalf("ping while the writer is busy: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
