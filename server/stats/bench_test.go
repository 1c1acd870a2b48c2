package stats_test

import (
	"os"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/stats"
)

// benchStats measures what GET /api/v1/admin/stats computes for the province over snap: the table by
// city with coverage worked out afresh (a new data version), and with coverage cached.
func benchStats(b *testing.B, snap *catalog.Snapshot) {
	geo, err := stats.Province()
	if err != nil {
		b.Fatal(err)
	}
	in := stats.Input{Stations: snap, Counts: counts(snap), Now: time.Now()}
	b.Run("coverage", func(b *testing.B) {
		for b.Loop() {
			geo.Cover(snap.Version, near(snap))
		}
	})
	in.Coverage = geo.Cover(snap.Version, near(snap))
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			geo.Table(stats.ByCity, in)
		}
	})
}

func BenchmarkStatsSeed(b *testing.B) { benchStats(b, seed(b, seedPath)) }

// BenchmarkStats1M needs a million stations: go run ./server/cmd/seedgen -ref data/reference -n
// 1000000 -o /tmp/yz1m.csv (or YIZHAN_BENCH_1M=FILE).
func BenchmarkStats1M(b *testing.B) {
	path := os.Getenv("YIZHAN_BENCH_1M")
	if path == "" {
		path = "/tmp/yz1m.csv"
	}
	if _, err := os.Stat(path); err != nil {
		b.Skip("no million-station file: ", err)
	}
	benchStats(b, seed(b, path))
}
