package areas_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/yizhan/yizhan/server/areas"
)

const refPath = "../../data/reference/liaoning-districts.geojson"

// TestAreasFileIsGenerated: the embedded file is exactly what the generator writes from the
// reference (go run ./server/cmd/areagen -o server/areas/liaoning-areas.geojson).
func TestAreasFileIsGenerated(t *testing.T) {
	var got []byte
	if raceEnabled {
		out := filepath.Join(t.TempDir(), "areas.geojson")
		cmd := exec.Command("go", "run", "../cmd/areagen", "-ref", refPath, "-o", out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("areagen: %v\n%s", err, msg)
		}
		var err error
		if got, err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	} else {
		ref, err := os.ReadFile(refPath)
		if err != nil {
			t.Fatal(err)
		}
		if got, err = areas.Build(ref); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, areas.JSON()) {
		t.Fatal("server/areas/liaoning-areas.geojson is not what Build makes of the reference: run go run ./server/cmd/areagen")
	}
}

func loadAreas(t *testing.T) []areas.Area {
	t.Helper()
	all, err := areas.Load()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestAreasCountsAndOrder(t *testing.T) {
	all := loadAreas(t)
	var cities, districts []string
	for _, a := range all {
		switch a.Level {
		case areas.LevelCity:
			if len(districts) > 0 {
				t.Errorf("city %s after the districts", a.Adcode)
			}
			cities = append(cities, a.Adcode)
		case areas.LevelDistrict:
			districts = append(districts, a.Adcode)
		default:
			t.Errorf("%s: level %q", a.Adcode, a.Level)
		}
		if a.Name == "" || a.City == "" || a.CityAdcode == "" {
			t.Errorf("%s: missing names: %+v", a.Adcode, a)
		}
	}
	if len(cities) != 14 || len(districts) != 100 {
		t.Fatalf("%d cities and %d districts, want 14 and 100", len(cities), len(districts))
	}
	if !sort.StringsAreSorted(cities) || !sort.StringsAreSorted(districts) {
		t.Error("not sorted by adcode")
	}
	var ref struct {
		Features []struct {
			Properties struct{ Adcode, Name, City, City_adcode string }
		}
	}
	raw, err := os.ReadFile(refPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	byCode := map[string]areas.Area{}
	for _, a := range all {
		byCode[a.Adcode] = a
	}
	for _, f := range ref.Features {
		p := f.Properties
		a, ok := byCode[p.Adcode]
		if !ok || a.Level != areas.LevelDistrict || a.Name != p.Name || a.City != p.City || a.CityAdcode != p.City_adcode {
			t.Errorf("reference district %s %s: got %+v", p.Adcode, p.Name, a)
		}
		if c, ok := byCode[p.City_adcode]; !ok || c.Level != areas.LevelCity || c.Name != p.City {
			t.Errorf("reference city %s %s: got %+v", p.City_adcode, p.City, c)
		}
	}
	// the raw form: id = adcode, city only on districts
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(areas.JSON(), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.ID != f.Properties["adcode"] {
			t.Errorf("id %q, adcode %v", f.ID, f.Properties["adcode"])
		}
	}
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSeg(a, b, p orb.Point) bool {
	return cross(a, b, p) == 0 && min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// segmentsMeet reports whether two segments have any point in common.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2, d3, d4 := cross(a, b, c), cross(a, b, d), cross(c, d, a), cross(c, d, b)
	if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) {
		return true
	}
	return onSeg(a, b, c) || onSeg(a, b, d) || onSeg(c, d, a) || onSeg(c, d, b)
}

// selfIntersects reports whether a closed ring touches or crosses itself anywhere other than where
// consecutive segments share their vertex.
func selfIntersects(r orb.Ring) bool {
	n := len(r) - 1 // segments
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if j == i+1 || i == 0 && j == n-1 {
				// neighbours: they may only share the vertex, never overlap
				a, b, c, d := r[i], r[i+1], r[j], r[j+1]
				if j == i+1 {
					if cross(a, b, d) == 0 && (d[0]-b[0])*(a[0]-b[0])+(d[1]-b[1])*(a[1]-b[1]) > 0 {
						return true
					}
				} else if cross(c, d, b) == 0 && (b[0]-a[0])*(c[0]-a[0])+(b[1]-a[1])*(c[1]-a[1]) > 0 {
					return true
				}
				continue
			}
			if segmentsMeet(r[i], r[i+1], r[j], r[j+1]) {
				return true
			}
		}
	}
	return false
}

func TestAreasRingsAreValid(t *testing.T) {
	// the checker itself: a square, a bow tie, a spike back along an edge, a ring through a vertex twice
	if selfIntersects(orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}) ||
		!selfIntersects(orb.Ring{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}) ||
		!selfIntersects(orb.Ring{{0, 0}, {2, 0}, {1, 0}, {1, 1}, {0, 0}}) ||
		!selfIntersects(orb.Ring{{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}, {0, 0}}) {
		t.Fatal("selfIntersects is wrong")
	}
	for _, a := range loadAreas(t) {
		for pi, poly := range a.Polygon {
			for ri, r := range poly {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Errorf("%s %s polygon %d ring %d: %d points, closed %v", a.Adcode, a.Name, pi, ri, len(r), r[0] == r[len(r)-1])
					continue
				}
				want := orb.CCW
				if ri > 0 {
					want = orb.CW
				}
				if r.Orientation() != want {
					t.Errorf("%s %s polygon %d ring %d: orientation %v", a.Adcode, a.Name, pi, ri, r.Orientation())
				}
				if selfIntersects(r) {
					t.Errorf("%s %s polygon %d ring %d intersects itself", a.Adcode, a.Name, pi, ri)
				}
			}
		}
		if !planar.MultiPolygonContains(a.Polygon, a.Label) {
			t.Errorf("%s %s: label %v outside", a.Adcode, a.Name, a.Label)
		}
		if !planar.PolygonContains(a.Polygon[0], a.Label) {
			t.Errorf("%s %s: label %v not in the first (largest) part", a.Adcode, a.Name, a.Label)
		}
	}
}

type seg struct{ a, b orb.Point }

// TestAreasBordersAreShared: every segment of a district is used by at most one other district, in
// the opposite direction, so neighbours have identical simplified borders (no gaps, no overlaps);
// and known neighbours do share a border.
func TestAreasBordersAreShared(t *testing.T) {
	users := map[seg][]string{}
	for _, a := range loadAreas(t) {
		if a.Level != areas.LevelDistrict {
			continue
		}
		for _, poly := range a.Polygon {
			for _, r := range poly {
				for i := 0; i+1 < len(r); i++ {
					s := seg{r[i], r[i+1]}
					users[s] = append(users[s], a.Adcode)
				}
			}
		}
	}
	shared := map[[2]string]int{}
	for s, u := range users {
		if len(u) > 1 {
			t.Errorf("segment %v used %d times in one direction by %v", s, len(u), u)
		}
		back := users[seg{s.b, s.a}]
		if len(back) > 0 && back[0] == u[0] {
			t.Errorf("segment %v walked both ways by %s", s, u[0])
		}
		if len(back) == 1 {
			shared[[2]string{u[0], back[0]}]++
		}
	}
	for _, pair := range [][2]string{
		{"210102", "210103"}, // 和平区 | 沈河区
		{"210103", "210104"}, // 沈河区 | 大东区
		{"210202", "210203"}, // 中山区 | 西岗区
		{"211302", "211303"}, // 双塔区 | 龙城区
		{"210111", "210112"}, // 苏家屯区 | 浑南区
	} {
		if shared[pair] == 0 || shared[pair] != shared[[2]string{pair[1], pair[0]}] {
			t.Errorf("%s and %s share %d and %d segments", pair[0], pair[1], shared[pair], shared[[2]string{pair[1], pair[0]}])
		}
	}
}

// area is the planar area of a multipolygon in square degrees, holes subtracted.
func area(mp orb.MultiPolygon) float64 {
	var s float64
	for _, p := range mp {
		for _, r := range p {
			a := math.Abs(planar.Area(r))
			if r.Orientation() != orb.CCW {
				a = -a
			}
			s += a
		}
	}
	return s
}

func TestAreasCitiesAreTheirDistricts(t *testing.T) {
	all := loadAreas(t)
	sum := map[string]float64{}
	for _, a := range all {
		if a.Level == areas.LevelDistrict {
			sum[a.CityAdcode] += area(a.Polygon)
		}
	}
	for _, a := range all {
		if a.Level != areas.LevelCity {
			continue
		}
		c := area(a.Polygon)
		if d := (c - sum[a.Adcode]) / c; d > 0.005 || d < -0.005 {
			t.Errorf("%s %s: area %.5f, its districts %.5f", a.Adcode, a.Name, c, sum[a.Adcode])
		}
	}
}

// TestAreasSize: the budget is 400 KB gzip-compressed; the generator aims at 100–250 KB raw.
func TestAreasSize(t *testing.T) {
	raw := areas.JSON()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	t.Logf("%d bytes raw, %d gzip -9", len(raw), b.Len())
	if b.Len() > 400_000 {
		t.Errorf("gzip -9: %d bytes, over the budget of 400 KB", b.Len())
	}
	if len(raw) > 250_000 {
		t.Errorf("raw: %d bytes, over the 250 KB aimed at", len(raw))
	}
}

func TestAreasLocate(t *testing.T) {
	for _, a := range loadAreas(t) {
		if a.Level != areas.LevelDistrict {
			continue
		}
		d, c, ok := areas.Locate(a.Label)
		if !ok || d.Adcode != a.Adcode || c.Adcode != a.CityAdcode || c.Level != areas.LevelCity {
			t.Errorf("Locate(label of %s %s) = %s %s, %s, %v", a.Adcode, a.Name, d.Adcode, d.Name, c.Adcode, ok)
		}
	}
	for _, p := range []orb.Point{
		{121.0, 39.0},   // the Bohai
		{122.5, 38.5},   // the Yellow Sea, south of Dalian
		{116.4, 39.9},   // Beijing
		{126.6, 45.75},  // Harbin
		{123.0, -41.79}, // the southern hemisphere
	} {
		if d, _, ok := areas.Locate(p); ok {
			t.Errorf("Locate(%v) = %s %s, want none", p, d.Adcode, d.Name)
		}
	}
	if d, c, ok := areas.Locate(orb.Point{123.4291, 41.7968}); !ok || c.Name != "沈阳市" {
		t.Errorf("central Shenyang: %s %s in %s, %v", d.Adcode, d.Name, c.Name, ok)
	}
}
