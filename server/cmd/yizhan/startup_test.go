package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// The snapshot built from the seed as it is written must be the one a restart reads back, from the
// table and from the station cache.
func TestSeededSnapshotMatchesReload(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet)
	if err != nil || seed == nil {
		t.Fatalf("seed: %v %v", seed, err)
	}
	seeded := seed.snap // served while the seed is written, so it must be what the table will hold
	var cat catalog.Catalog
	cat.Swap(seeded)
	if err := seed.write(context.Background(), db, &cat, nil, quiet); err != nil || cat.Current() != seeded {
		t.Fatalf("writing the seed: %v; snapshot replaced: %v", err, cat.Current() != seeded)
	}
	for _, from := range []string{"table", "cache"} {
		var cat catalog.Catalog
		if err := refresh(context.Background(), db, &cat, nil, quiet); err != nil {
			t.Fatal(err)
		}
		reloaded := cat.Current()
		for _, crs := range []spatial.CRS{spatial.WGS84, spatial.GCJ02} {
			a, b := seeded.Dataset(crs), reloaded.Dataset(crs)
			if !bytes.Equal(a.JSON, b.JSON) || a.ETag != b.ETag {
				t.Fatalf("%s from the %s: the seeded snapshot differs from the reloaded one (%d vs %d bytes)", crs, from, len(a.JSON), len(b.JSON))
			}
		}
		saveCache(context.Background(), db, seeded, quiet)
	}
	if again, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet); err != nil || again != nil {
		t.Fatalf("second seed: %v %v", again, err)
	}
}

// Two first starts on one database, both reading the seed before either writes it: the second finds
// the stations already there and serves what the database holds, not its own copy (stamped at another
// moment).
func TestConcurrentFirstStarts(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	first, err := seedIfEmpty(ctx, db, seedPath, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	second, err := seedIfEmpty(ctx, db, seedPath, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var a, b catalog.Catalog
	a.Swap(first.snap)
	b.Swap(second.snap)
	if err := first.write(ctx, db, &a, nil, quiet); err != nil {
		t.Fatal(err)
	}
	if err := second.write(ctx, db, &b, nil, quiet); err != nil {
		t.Fatal(err)
	}
	if b.Current() == second.snap || !bytes.Equal(a.Current().Dataset(spatial.WGS84).JSON, b.Current().Dataset(spatial.WGS84).JSON) {
		t.Fatal("the second first start does not serve what the database holds")
	}
	if n := b.Current().Len(); n != first.snap.Len() {
		t.Fatalf("%d stations after two first starts, want %d", n, first.snap.Len())
	}
}

// BenchmarkFirstStart measures what a first start does before serving: read the seed, write it in
// one transaction and build the snapshot.
func BenchmarkFirstStart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "x.db"))
		if err != nil {
			b.Fatal(err)
		}
		mustSeed(b, db)
		db.Close()
	}
}

// BenchmarkRestart measures what a restart does before serving: read every station (from the table, or
// from the station cache) and build the snapshot.
func BenchmarkRestart(b *testing.B) {
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "x.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	mustSeed(b, db)
	for _, from := range []string{"table", "cache"} {
		b.Run(from, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var cat catalog.Catalog
				if err := refresh(context.Background(), db, &cat, nil, quiet); err != nil {
					b.Fatal(err)
				}
			}
		})
		var cat catalog.Catalog
		if err := refresh(context.Background(), db, &cat, nil, quiet); err != nil {
			b.Fatal(err)
		}
		saveCache(context.Background(), db, cat.Current(), quiet)
	}
}

// mustSeed seeds an empty database from the seed file, as serve's first start does.
func mustSeed(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	seed, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet)
	if err != nil || seed == nil {
		tb.Fatalf("seed: %v %v", seed, err)
	}
	var cat catalog.Catalog
	if err := seed.write(context.Background(), db, &cat, nil, quiet); err != nil {
		tb.Fatal(err)
	}
}
