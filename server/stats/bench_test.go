package stats_test

import (
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/yizhan/yizhan/server/station"

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

// BenchmarkCoverageBruteForceCell is the baseline: a cell checked against every station by haversine,
// as a scan without the spatial index would, on every 200th cell of the province (ns/cell; multiply
// by the province's cells).
func BenchmarkCoverageBruteForceCell(b *testing.B) {
	snap := seed(b, seedPath)
	geo, err := stats.Province()
	if err != nil {
		b.Fatal(err)
	}
	var cells []orb.Point
	for _, d := range geo.Districts {
		all, _ := geo.Cells(d.Adcode)
		cells = append(cells, all...)
	}
	sample := make([]orb.Point, 0, len(cells)/200+1)
	for k := 0; k < len(cells); k += 200 {
		sample = append(sample, cells[k])
	}
	for b.Loop() {
		for _, c := range sample {
			for i := range snap.Len() {
				st := snap.Station(i)
				if st.Status != station.Closed && haversine(c, orb.Point{st.Lon, st.Lat}) <= stats.RadiusM {
					break
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sample)), "ns/cell")
	b.ReportMetric(float64(len(cells)), "cells")
}
