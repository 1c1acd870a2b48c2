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
	seeded, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet)
	if err != nil || seeded == nil {
		t.Fatalf("seed: %v %v", seeded, err)
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

// BenchmarkFirstStart measures what a first start does before serving: read the seed, write it in
// one transaction and build the snapshot.
func BenchmarkFirstStart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "x.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet); err != nil {
			b.Fatal(err)
		}
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
	if _, err := seedIfEmpty(context.Background(), db, seedPath, nil, quiet); err != nil {
		b.Fatal(err)
	}
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
