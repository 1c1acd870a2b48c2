package catalog_test

import (
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
)

// BenchmarkNearestOpen measures what the open filter costs nearest search on the real seed: nearest-20
// within 50 km at random points, with no filter (the baseline) and with open= at noon on a working day
// and at 23:40 (when most stations are closed and the search must reach further). Each iteration asks
// the snapshot for the instant, as a request does.
func BenchmarkNearestOpen(b *testing.B) {
	f, err := os.Open("../../data/stations.csv")
	if err != nil {
		b.Fatal(err)
	}
	sts, rowErrs := codec.ReadCSV(f, spatial.WGS84)
	f.Close()
	if rowErrs != nil {
		b.Fatal(rowErrs)
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].ID < sts[j].ID })
	snap := catalog.Build(1, sts, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	points := make([]orb.Point, 4096)
	for i := range points {
		points[i] = orb.Point{118.85 + rng.Float64()*(125.79-118.85), 38.72 + rng.Float64()*(43.49-38.72)}
	}
	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"any", time.Time{}},
		{"open-weekday-noon", time.Date(2026, 11, 25, 12, 0, 0, 0, hours.Zone)},
		{"open-night-23:40", time.Date(2026, 1, 15, 23, 40, 0, 0, hours.Zone)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dst := make([]spatial.Hit, 0, 20)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var q catalog.Query
				if !tc.at.IsZero() {
					q.Open = snap.At(tc.at)
				}
				dst = snap.Nearest(points[i%len(points)], 20, 50000, q, dst[:0])
			}
		})
	}
}

// BenchmarkSetCalendar measures what storing a holiday year costs the served catalog: the current
// snapshot's stations rebuilt with the new calendar, at the seed's 16,500 stations.
func BenchmarkSetCalendar(b *testing.B) {
	f, err := os.Open("../../data/stations.csv")
	if err != nil {
		b.Fatal(err)
	}
	sts, rowErrs := codec.ReadCSV(f, spatial.WGS84)
	f.Close()
	if rowErrs != nil {
		b.Fatal(rowErrs)
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].ID < sts[j].ID })
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, sts, nil))
	cal := hours.DefaultCalendar.With([]hours.Year{{Year: 2027, Days: []hours.Day{{Date: "2027-02-08", Kind: "holiday", Name: "春节"}}}})
	b.ResetTimer()
	for i := range b.N {
		if !cat.SetCalendar(int64(i+2), cal) {
			b.Fatal("not swapped")
		}
	}
}
