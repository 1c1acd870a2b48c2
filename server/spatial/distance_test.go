package spatial_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/spatial"
)

var (
	shenyang = orb.Point{123.4315, 41.8057}
	dalian   = orb.Point{121.6147, 38.9140}
)

func TestDistanceM(t *testing.T) {
	R := spatial.EarthRadiusM
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // metres
		tol  float64
	}{
		// City centres; the straight-line figure is 356.5 km (about 400 km by road).
		{"Shenyang-Dalian", shenyang, dalian, 356468, 1000},
		{"same point", shenyang, shenyang, 0, 0},
		{"one degree of latitude", orb.Point{123, 40}, orb.Point{123, 41}, math.Pi * R / 180, 1e-6},
		{"quarter of the equator", orb.Point{0, 0}, orb.Point{90, 0}, math.Pi * R / 2, 1e-6},
		{"antipodes", orb.Point{123, 41}, orb.Point{-57, -41}, math.Pi * R, 1e-3},
		{"pole to pole", orb.Point{0, 90}, orb.Point{77, -90}, math.Pi * R, 1e-3},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, math.Pi * R / 180, 1e-6},
		{"1 m east at 41N", orb.Point{123, 41}, orb.Point{123 + 1/(math.Pi*R/180*math.Cos(41*math.Pi/180)), 41}, 1, 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := spatial.DistanceM(tc.a, tc.b)
			if math.Abs(got-tc.want) > tc.tol {
				t.Errorf("DistanceM(%v, %v) = %.6f, want %.6f ± %g", tc.a, tc.b, got, tc.want, tc.tol)
			}
			if back := spatial.DistanceM(tc.b, tc.a); back != got {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

// haversine is an independent textbook formula to cross-check DistanceM.
func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Pow(math.Sin(dLat/2), 2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Pow(math.Sin(dLon/2), 2)
	return 2 * spatial.EarthRadiusM * math.Asin(math.Sqrt(min(h, 1)))
}

func TestDistanceMatchesHaversine(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 100000; i++ {
		a := worldPoint(r)
		b := orb.Point{a[0] + r.NormFloat64()*math.Pow(10, -6+r.Float64()*8), a[1] + r.NormFloat64()*math.Pow(10, -6+r.Float64()*7)}
		b[1] = max(-90, min(90, b[1]))
		got, want := spatial.DistanceM(a, b), haversine(a, b)
		// Haversine loses digits near the antipode (asin of ~1); 1 mm is ample elsewhere.
		if tol := 1e-3 + 1e-3*max(0, want-1.9e7); math.Abs(got-want) > tol {
			t.Fatalf("%v -> %v: DistanceM %.6f, haversine %.6f", a, b, got, want)
		}
	}
}

func TestBearingDeg(t *testing.T) {
	o := orb.Point{123, 41}
	tests := []struct {
		name     string
		from, to orb.Point
		want     float64
	}{
		{"north", o, orb.Point{123, 42}, 0},
		{"east on the equator", orb.Point{10, 0}, orb.Point{11, 0}, 90},
		{"south", o, orb.Point{123, 40}, 180},
		{"west on the equator", orb.Point{10, 0}, orb.Point{9, 0}, 270},
		{"east across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, 90},
		{"same point", o, o, 0},
		{"north-east on the equator", orb.Point{0, 0}, orb.Point{1e-6, 1e-6}, 45},
		// Great-circle course from Shenyang to Dalian: south-south-west.
		{"Shenyang-Dalian", shenyang, dalian, 206.175},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := spatial.BearingDeg(tc.from, tc.to)
			if math.Abs(got-tc.want) > 1e-3 || got < 0 || got >= 360 {
				t.Errorf("BearingDeg(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
	// Due north, a hair to the west, must not come out as 360.
	if got := spatial.BearingDeg(o, orb.Point{123 - 1e-15, 42}); got < 0 || got >= 360 {
		t.Errorf("bearing out of range: %v", got)
	}
}

// The compass form of the bearing agrees with the textbook formula at random pairs of points.
func TestBearingMatchesTextbookFormula(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 20000; i++ {
		a := orb.Point{r.Float64()*360 - 180, r.Float64()*178 - 89}
		b := orb.Point{a[0] + (r.Float64()-0.5)*r.Float64()*20, a[1] + (r.Float64()-0.5)*r.Float64()*10}
		if b[1] > 89.9 || b[1] < -89.9 {
			continue
		}
		p1, p2, dl := a[1]*math.Pi/180, b[1]*math.Pi/180, (b[0]-a[0])*math.Pi/180
		want := math.Atan2(math.Sin(dl)*math.Cos(p2), math.Cos(p1)*math.Sin(p2)-math.Sin(p1)*math.Cos(p2)*math.Cos(dl)) * 180 / math.Pi
		if want < 0 {
			want += 360
		}
		got := spatial.BearingDeg(a, b)
		diff := math.Abs(got - want)
		if diff > 180 {
			diff = 360 - diff
		}
		if diff > 1e-6 && spatial.DistanceM(a, b) > 1 {
			t.Fatalf("BearingDeg(%v, %v) = %v, textbook %v", a, b, got, want)
		}
	}
}
