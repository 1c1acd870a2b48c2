package areas_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/yizhan/yizhan/server/areas"
)

// square is a made-up area 0.1° on a side with its south-west corner at 122°E 40°N.
func square() areas.Area {
	ring := orb.Ring{{122, 40}, {122.1, 40}, {122.1, 40.1}, {122, 40.1}, {122, 40}}
	mp := orb.MultiPolygon{{ring}}
	return areas.Area{Adcode: "000001", Polygon: mp, Bound: mp.Bound()}
}

func TestDistanceToSquare(t *testing.T) {
	a := square()
	lonM := func(lat float64) float64 { return 111_320 * math.Cos(lat*math.Pi/180) }
	for _, c := range []struct {
		name string
		p    orb.Point
		want float64
	}{
		{"inside", orb.Point{122.05, 40.05}, 0},
		{"on an edge", orb.Point{122.1, 40.05}, 0},
		{"east", orb.Point{122.2, 40.05}, 0.1 * lonM(40.05)},
		{"south", orb.Point{122.05, 39.9}, 0.1 * 110_574},
		{"north-east of the corner", orb.Point{122.13, 40.14}, math.Hypot(0.03*lonM(40.14), 0.04*110_574)},
	} {
		if got := a.Distance(c.p); math.Abs(got-c.want) > 1 {
			t.Errorf("%s: %v is %.1f m away, want %.1f", c.name, c.p, got, c.want)
		}
	}
	// Near: the tolerance decides at the edge, and the box widened by it refuses points beyond
	east := orb.Point{122.1 + 2000/lonM(40.05), 40.05}
	if !a.Near(east, 2001) || a.Near(east, 1999) {
		t.Errorf("a point 2000 m east: near within 2001 m %v, within 1999 m %v", a.Near(east, 2001), a.Near(east, 1999))
	}
	if a.Near(orb.Point{123, 41}, 2500) || !a.Near(orb.Point{122.05, 40.05}, 0) {
		t.Error("Near: far point near, or inside point not")
	}
}

func TestDistanceToRealAreas(t *testing.T) {
	heping, ok := areas.ByAdcode("210102")
	if !ok || heping.Name != "和平区" || heping.Level != areas.LevelDistrict {
		t.Fatalf("210102: %+v %v", heping.Name, ok)
	}
	if city, ok := areas.ByAdcode(heping.CityAdcode); !ok || city.Name != "沈阳市" {
		t.Fatalf("city of 和平区: %+v", city.Name)
	}
	if _, ok := areas.ByAdcode("110101"); ok {
		t.Error("a Beijing adcode found among Liaoning's areas")
	}
	if d := heping.Distance(heping.Label); d != 0 {
		t.Errorf("label of 和平区 is %.0f m away", d)
	}
	// walking east from the label, the distance grows with the step once outside
	last := 0.0
	for k := 1; k <= 20; k++ {
		p := orb.Point{heping.Bound.Max[0] + float64(k)*0.01, heping.Label[1]}
		d := heping.Distance(p)
		if d <= last || d < float64(k)*0.01*111_320*math.Cos(p[1]*math.Pi/180) {
			t.Fatalf("%v: %.0f m after %.0f m", p, d, last)
		}
		last = d
	}
	// every district's label is inside it, and every city's
	for _, a := range loadAreas(t) {
		if !a.Contains(a.Label) || a.Distance(a.Label) != 0 {
			t.Errorf("%s %s: label %v not inside", a.Adcode, a.Name, a.Label)
		}
	}
}

// The indexed containment test agrees with orb's on a grid over Liaoning, for every area; a copy of an
// area with other shapes is not answered from the index.
func TestContainsAgreesWithPlanar(t *testing.T) {
	all := loadAreas(t)
	inside := 0
	for lon := 118.5123; lon < 126.1; lon += 0.07 {
		for lat := 38.4123; lat < 43.8; lat += 0.07 {
			p := orb.Point{lon, lat}
			for i := range all {
				a := &all[i]
				want := a.Bound.Contains(p) && planar.MultiPolygonContains(a.Polygon, p)
				if got := a.Contains(p); got != want {
					t.Fatalf("%s %s at %v: Contains %v, planar %v", a.Adcode, a.Name, p, got, want)
				}
				if want {
					inside++
				}
			}
		}
	}
	if inside < 5_000 {
		t.Fatalf("only %d grid points inside areas", inside)
	}
	heping, _ := areas.ByAdcode("210102")
	moved := heping
	moved.Polygon = orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}
	moved.Bound = moved.Polygon.Bound()
	if !moved.Contains(orb.Point{0.5, 0.5}) || moved.Contains(heping.Label) {
		t.Error("a copy of 和平区 with another shape answered from 和平区's index")
	}
}

func BenchmarkAreaNear(b *testing.B) {
	all, _ := areas.Load()
	pts := make([]orb.Point, 0, 100_000)
	for i := 0; len(pts) < cap(pts); i++ {
		a := all[i%len(all)]
		pts = append(pts, orb.Point{a.Label[0] + float64(i%7-3)*0.002, a.Label[1] + float64(i%5-2)*0.002})
	}
	b.ResetTimer()
	for b.Loop() {
		for i, p := range pts {
			all[i%len(all)].Near(p, 2500)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pts)), "ns/point")
}
