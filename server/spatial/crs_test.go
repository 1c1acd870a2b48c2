package spatial_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/spatial"
)

// gcoordRow is one row of testdata/gcoord-liaoning.json (see scripts/gen-crs-fixtures).
type gcoordRow struct {
	region                         string
	in, toGCJ, toBD, gcjToW, bdToW orb.Point
}

func loadGcoord(t *testing.T) []gcoordRow {
	t.Helper()
	raw, err := os.ReadFile("testdata/gcoord-liaoning.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Rows [][]any }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	rows := make([]gcoordRow, len(file.Rows))
	for i, r := range file.Rows {
		if len(r) != 11 {
			t.Fatalf("row %d has %d columns", i, len(r))
		}
		f := func(j int) orb.Point { return orb.Point{r[j].(float64), r[j+1].(float64)} }
		rows[i] = gcoordRow{r[0].(string), f(1), f(3), f(5), f(7), f(9)}
	}
	return rows
}

func maxAxisDiff(a, b orb.Point) float64 {
	return max(math.Abs(a[0]-b[0]), math.Abs(a[1]-b[1]))
}

func TestCRSAgainstGcoord(t *testing.T) {
	rows := loadGcoord(t)
	if len(rows) < 2000 {
		t.Fatalf("only %d fixture rows", len(rows))
	}
	// Worst case seen for each comparison, in degrees (or metres for round trips).
	var fwdGCJ, fwdBD, invGCJ, invBD, rtGCJ, rtBD float64
	for _, r := range rows {
		if d := maxAxisDiff(spatial.FromWGS84(spatial.GCJ02, r.in), r.toGCJ); d > fwdGCJ {
			fwdGCJ = d
		}
		if d := maxAxisDiff(spatial.FromWGS84(spatial.BD09, r.in), r.toBD); d > fwdBD {
			fwdBD = d
		}
		if d := maxAxisDiff(spatial.ToWGS84(spatial.GCJ02, r.in), r.gcjToW); d > invGCJ {
			invGCJ = d
		}
		if d := maxAxisDiff(spatial.ToWGS84(spatial.BD09, r.in), r.bdToW); d > invBD {
			invBD = d
		}
		if r.region == "outside" {
			for _, c := range []spatial.CRS{spatial.GCJ02} {
				if got := spatial.FromWGS84(c, r.in); got != r.in {
					t.Errorf("%v outside China: FromWGS84(%v) = %v, want unchanged", r.in, c, got)
				}
				if got := spatial.ToWGS84(c, r.in); got != r.in {
					t.Errorf("%v outside China: ToWGS84(%v) = %v, want unchanged", r.in, c, got)
				}
			}
			continue
		}
		if r.region == "liaoning" {
			// Our own round trips, measured on the ground.
			if d := spatial.DistanceM(r.in, spatial.ToWGS84(spatial.GCJ02, spatial.FromWGS84(spatial.GCJ02, r.in))); d > rtGCJ {
				rtGCJ = d
			}
			if d := spatial.DistanceM(r.in, spatial.ToWGS84(spatial.BD09, spatial.FromWGS84(spatial.BD09, r.in))); d > rtBD {
				rtBD = d
			}
		}
	}
	t.Logf("forward vs gcoord, max |Δ|: WGS→GCJ %.3g°, WGS→BD %.3g°", fwdGCJ, fwdBD)
	t.Logf("inverse vs gcoord, max |Δ|: GCJ→WGS %.3g° (%.3g m), BD→WGS %.3g° (%.3g m)",
		invGCJ, invGCJ*111195, invBD, invBD*111195)
	t.Logf("round trip in Liaoning, max: WGS→GCJ→WGS %.3g m, WGS→BD→WGS %.3g m", rtGCJ, rtBD)

	const (
		fwdTol = 1e-9
		// gcoord stops its GCJ inverse once the residual is below 1e-6°.
		invGCJTol = 1.2e-6
		// gcoord inverts BD-09 in one step (not iteratively), which is itself
		// off by up to ~0.2 m, before the GCJ-02 iteration; 2.5e-6° is about 0.28 m.
		invBDTol = 2.5e-6
		rtTolM   = 1e-3
	)
	check := func(name string, got, tol float64) {
		if got > tol {
			t.Errorf("%s: max difference %g exceeds %g", name, got, tol)
		}
	}
	check("WGS→GCJ vs gcoord (°)", fwdGCJ, fwdTol)
	check("WGS→BD vs gcoord (°)", fwdBD, fwdTol)
	check("GCJ→WGS vs gcoord (°)", invGCJ, invGCJTol)
	check("BD→WGS vs gcoord (°)", invBD, invBDTol)
	check("WGS→GCJ→WGS round trip (m)", rtGCJ, rtTolM)
	check("WGS→BD→WGS round trip (m)", rtBD, rtTolM)
}

func TestCRSKnownPoint(t *testing.T) {
	// Shenyang, as worked through in research/reliability.md §3.3 (6 decimals).
	wgs := orb.Point{123.4315, 41.8057}
	tests := []struct {
		crs  spatial.CRS
		want orb.Point
	}{
		{spatial.WGS84, wgs},
		{spatial.GCJ02, orb.Point{123.437636, 41.808128}},
		{spatial.BD09, orb.Point{123.444222, 41.813908}},
	}
	for _, tc := range tests {
		t.Run(tc.crs.String(), func(t *testing.T) {
			got := spatial.FromWGS84(tc.crs, wgs)
			if maxAxisDiff(got, tc.want) > 5e-7 {
				t.Errorf("FromWGS84 = %v, want %v", got, tc.want)
			}
			if back := spatial.ToWGS84(tc.crs, got); spatial.DistanceM(back, wgs) > 1e-4 {
				t.Errorf("ToWGS84(FromWGS84) = %v, want %v", back, wgs)
			}
		})
	}
}

func TestCRSRoundTripDense(t *testing.T) {
	// A denser sweep than the fixture, including the edges of the China box.
	var worst [3]float64
	for lon := lnMinLon; lon <= lnMaxLon; lon += 0.05 {
		for lat := lnMinLat; lat <= lnMaxLat; lat += 0.05 {
			p := orb.Point{lon, lat}
			for _, c := range []spatial.CRS{spatial.WGS84, spatial.GCJ02, spatial.BD09} {
				if d := spatial.DistanceM(p, spatial.ToWGS84(c, spatial.FromWGS84(c, p))); d > worst[c] {
					worst[c] = d
				}
			}
		}
	}
	t.Logf("max round-trip error in Liaoning: gcj02 %.3g m, bd09 %.3g m", worst[spatial.GCJ02], worst[spatial.BD09])
	if worst[spatial.GCJ02] > 1e-3 || worst[spatial.BD09] > 1e-3 || worst[spatial.WGS84] != 0 {
		t.Errorf("round trip too large: %v", worst)
	}
	// Near the box edge the forward map jumps; the inverse must still terminate
	// and stay close.
	for _, p := range []orb.Point{{72.004, 40}, {72.01, 40}, {137.83, 40}, {100, 0.83}, {120, 55.82}, {math.NaN(), 40}} {
		for _, c := range []spatial.CRS{spatial.GCJ02, spatial.BD09} {
			q := spatial.ToWGS84(c, p)
			if d := spatial.DistanceM(p, q); d > 3000 {
				t.Errorf("%v ToWGS84(%v) = %v, %v m away", c, p, q, d)
			}
		}
	}
}

func TestParseCRS(t *testing.T) {
	tests := []struct {
		in   string
		want spatial.CRS
		ok   bool
	}{
		{"wgs84", spatial.WGS84, true},
		{"gcj02", spatial.GCJ02, true},
		{"bd09", spatial.BD09, true},
		{"WGS84", 0, false},
		{"bd09ll", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := spatial.ParseCRS(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseCRS(%q) = %v, %v", tc.in, got, ok)
			}
			if ok && got.String() != tc.in {
				t.Fatalf("String() = %q", got.String())
			}
		})
	}
	if s := spatial.CRS(9).String(); s != "CRS(9)" {
		t.Errorf("unknown CRS String() = %q", s)
	}
}
