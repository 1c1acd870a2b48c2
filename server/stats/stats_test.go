package stats_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/stats"
)

// square is a made-up area: the lon/lat rectangle [lon, lon+w] × [lat, lat+h].
func square(adcode, name, level, city string, lon, lat, w, h float64) areas.Area {
	ring := orb.Ring{{lon, lat}, {lon + w, lat}, {lon + w, lat + h}, {lon, lat + h}, {lon, lat}}
	a := areas.Area{Adcode: adcode, Name: name, Level: level, CityAdcode: city, Polygon: orb.MultiPolygon{{ring}}}
	a.Bound = a.Polygon.Bound()
	a.Label = a.Bound.Center()
	return a
}

// twoSquares is a made-up city of two districts side by side, each 0.1° square (about 8.5 × 11 km).
func twoSquares() *stats.Geography {
	return stats.NewGeography([]areas.Area{
		square("990100", "方城", areas.LevelCity, "", 120.0, 40.0, 0.2, 0.1),
		square("990101", "甲区", areas.LevelDistrict, "990100", 120.0, 40.0, 0.1, 0.1),
		square("990102", "乙区", areas.LevelDistrict, "990100", 120.1, 40.0, 0.1, 0.1),
	})
}

func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * spatial.EarthRadiusM * math.Asin(math.Sqrt(h))
}

// near is the product's coverage test: a nearest search in a catalog snapshot for a station that is
// not closed.
func near(snap *catalog.Snapshot) func(orb.Point) bool {
	q := catalog.Query{Statuses: []station.Status{station.Open, station.TemporarilyClosed}}
	return func(p orb.Point) bool {
		var buf [1]spatial.Hit
		return len(snap.Nearest(p, 1, stats.RadiusM, q, buf[:0])) > 0
	}
}

func build(sts []station.Station) *catalog.Snapshot {
	slices.SortFunc(sts, func(a, b station.Station) int { return strings.Compare(a.ID, b.ID) })
	return catalog.Build(1, sts, nil)
}

func TestCoverageAgainstBruteForce(t *testing.T) {
	geo := twoSquares()
	sts := []station.Station{
		{ID: "a", Lon: 120.02, Lat: 40.02, Adcode: "990101"},
		{ID: "b", Lon: 120.15, Lat: 40.08, Adcode: "990102", Status: station.TemporarilyClosed},
		{ID: "c", Lon: 120.09, Lat: 40.09, Adcode: "990101", Status: station.Closed}, // covers nothing
		{ID: "d", Lon: 120.21, Lat: 40.03},                                           // outside, covers the edge of 乙区
	}
	snap := build(slices.Clone(sts))
	cov := geo.Cover(1, near(snap))
	for _, adcode := range []string{"990101", "990102"} {
		cells, ok := geo.Cells(adcode)
		if !ok {
			t.Fatal(adcode)
		}
		// 0.1° × 0.1° at 40°N is 8.53 × 11.12 km = 94.8 km²: a 1 km grid holds about that many centres.
		if len(cells) < 85 || len(cells) > 105 {
			t.Errorf("%s: %d cells for 94.8 km²", adcode, len(cells))
		}
		covered, _ := cov.Covered(adcode)
		n := 0
		for k, c := range cells {
			want := false
			for _, st := range sts {
				if st.Status != station.Closed && haversine(c, orb.Point{st.Lon, st.Lat}) <= stats.RadiusM {
					want = true
				}
			}
			if covered[k] != want {
				t.Errorf("%s cell %d at %v: covered %v, brute force %v", adcode, k, c, covered[k], want)
			}
			if want {
				n++
			}
			// a metric grid: the next cell in the row is 1 km east
			if k+1 < len(cells) && cells[k+1][1] == c[1] {
				if d := haversine(c, cells[k+1]); math.Abs(d-stats.CellM) > 5 {
					t.Errorf("%s: cells %d and %d are %.1f m apart", adcode, k, k+1, d)
				}
			}
		}
		if n == 0 || n == len(cells) {
			t.Errorf("%s: %d of %d covered: the test shows nothing", adcode, n, len(cells))
		}
		runs, all, nCovered, ok := cov.Uncovered(adcode)
		if !ok || all != len(cells) || nCovered != n {
			t.Errorf("%s: Uncovered says %d of %d covered, want %d of %d", adcode, nCovered, all, n, len(cells))
		}
		inRuns := 0
		for _, r := range runs {
			inRuns += r.Cells
			// every uncovered cell's centre is inside a run, and no covered one is
		}
		if inRuns != len(cells)-n {
			t.Errorf("%s: runs hold %d cells, want %d uncovered", adcode, inRuns, len(cells)-n)
		}
		for k, c := range cells {
			in := false
			for _, r := range runs {
				if r.Bound.Contains(c) {
					in = true
				}
			}
			if in == covered[k] {
				t.Errorf("%s cell %d: in a run %v, covered %v", adcode, k, in, covered[k])
			}
		}
	}
	tab := geo.Table(stats.ByCity, stats.Input{Stations: snap, Coverage: cov, Now: time.Now()})
	if len(tab.Rows) != 2 || tab.Rows[1].Level != stats.LevelNone || tab.Rows[1].Stations != 1 {
		t.Fatalf("rows %+v: want the city and the row of the station outside", tab.Rows)
	}
	if got := tab.Rows[0].ByStatus; got != [3]int{1, 1, 1} {
		t.Errorf("by status %v", got)
	}
}

// seed is the real seed, as the catalog holds it.
func seed(t testing.TB, path string) *catalog.Snapshot {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sts, err := codec.ReadCSV(f, spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	return build(sts)
}

var seedPath = filepath.Join("..", "..", "data", "stations.csv")

// counts gives some stations visits and reports.
func counts(snap *catalog.Snapshot) map[string]station.Counts {
	rng := rand.New(rand.NewPCG(1, 2))
	out := map[string]station.Counts{}
	for i := 0; i < snap.Len(); i += 1 + rng.IntN(5) {
		out[snap.Station(i).ID] = station.Counts{Visits: rng.Int64N(500), ReportsOpen: rng.IntN(3), ReportsResolved: rng.IntN(4)}
	}
	out["no-such-station"] = station.Counts{Visits: 1000}
	return out
}

func sum(rows []stats.Row) stats.Row {
	var s stats.Row
	for _, r := range rows {
		s.Stations += r.Stations
		for i := range r.ByStatus {
			s.ByStatus[i] += r.ByStatus[i]
		}
		for i := range r.ByKind {
			s.ByKind[i] += r.ByKind[i]
		}
		s.Verified += r.Verified
		s.Active += r.Active
		s.Visits += r.Visits
		s.ReportsOpen += r.ReportsOpen
		s.ReportsResolved += r.ReportsResolved
		s.Cells += r.Cells
		s.Covered += r.Covered
	}
	return s
}

func numbers(r stats.Row) stats.Row {
	r.Adcode, r.Name, r.Level, r.CityAdcode = "", "", "", ""
	return r
}

func TestTotalsAreSumsAndCitiesTheirDistricts(t *testing.T) {
	geo, err := stats.Province()
	if err != nil {
		t.Fatal(err)
	}
	snap := seed(t, seedPath)
	cov := geo.Cover(snap.Version, near(snap))
	in := stats.Input{Stations: snap, Counts: counts(snap), Coverage: cov, Now: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	cities, districts := geo.Table(stats.ByCity, in), geo.Table(stats.ByDistrict, in)
	if len(cities.Rows) != 14 || len(districts.Rows) != 100 {
		t.Fatalf("%d cities, %d districts: every seed station has a known district, so no other row", len(cities.Rows), len(districts.Rows))
	}
	for _, tab := range []stats.Table{cities, districts} {
		if got, want := numbers(tab.Totals), sum(tab.Rows); got != want {
			t.Errorf("%s: totals %+v, sums %+v", tab.Group, got, want)
		}
	}
	if numbers(cities.Totals) != numbers(districts.Totals) {
		t.Errorf("totals by city %+v, by district %+v", cities.Totals, districts.Totals)
	}
	tot := cities.Totals
	if tot.Stations != snap.Len() || tot.Active == 0 || tot.Verified == 0 || tot.Verified == tot.Active || tot.Visits == 0 || tot.ReportsOpen == 0 {
		t.Errorf("totals %+v: the seed should give numbers of every kind", tot)
	}
	// The totals' shares are weighted: stations for confirmation, cells for coverage.
	if v, _ := tot.Coverage(); math.Abs(v-float64(tot.Covered)/float64(tot.Cells)) > 5e-5 || v < 0.05 || v > 0.95 {
		t.Errorf("coverage %v of %d/%d", v, tot.Covered, tot.Cells)
	}
	// Liaoning is 148,000 km²; its cells are that many square kilometres, give or take the shapes.
	if tot.Cells < 140_000 || tot.Cells > 156_000 {
		t.Errorf("%d cells for 148,000 km²", tot.Cells)
	}
	for _, c := range cities.Rows {
		var mine []stats.Row
		for _, d := range districts.Rows {
			if d.CityAdcode == c.Adcode {
				mine = append(mine, d)
			}
		}
		if len(mine) == 0 || numbers(c) != sum(mine) {
			t.Errorf("%s %s: %+v, its %d districts sum to %+v", c.Adcode, c.Name, numbers(c), len(mine), sum(mine))
		}
	}
	// a station is counted in the district of its adcode, one without an adcode where its point is
	st := *snap.Station(0)
	moved := []station.Station{st, st, st}
	moved[1].ID, moved[1].Adcode = "x1", ""
	moved[2].ID, moved[2].Adcode, moved[2].Lon, moved[2].Lat = "x2", "", 125.0, 30.0 // the sea
	tab := geo.Table(stats.ByDistrict, stats.Input{Stations: station.Slice(moved), Now: in.Now})
	var placed []string
	for _, r := range tab.Rows {
		if r.Stations > 0 {
			placed = append(placed, fmt.Sprintf("%s:%d", r.Adcode, r.Stations))
		}
	}
	if want := []string{st.Adcode + ":2", ":1"}; !slices.Equal(placed, want) {
		t.Errorf("placed %v, want %v", placed, want)
	}
}

func TestExportsReadBackToTheTable(t *testing.T) {
	geo, err := stats.Province()
	if err != nil {
		t.Fatal(err)
	}
	snap := seed(t, seedPath)
	tab := geo.Table(stats.ByCity, stats.Input{Stations: snap, Counts: counts(snap), Coverage: geo.Cover(1, near(snap)), Now: time.Now()})
	want := [][]string{stats.Columns()}
	for _, r := range append(slices.Clone(tab.Rows), tab.Totals) {
		line := []string{r.Adcode, r.Name, strconv.Itoa(r.Stations)}
		for _, n := range append(r.ByStatus[:], r.ByKind[:]...) {
			line = append(line, strconv.Itoa(n))
		}
		v, _ := r.VerifiedShare()
		c, _ := r.Coverage()
		line = append(line, strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatInt(r.Visits, 10),
			strconv.Itoa(r.ReportsOpen), strconv.Itoa(r.ReportsResolved), strconv.FormatFloat(c, 'f', -1, 64))
		want = append(want, line)
	}

	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff区划代码,名称,驿站数,正常开放")) {
		t.Fatalf("CSV starts %q", b.String()[:40])
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CSV\n%v\nwant\n%v", got, want)
	}

	b.Reset()
	if err := tab.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err = f.GetRows(stats.XLSXSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("XLSX\n%v\nwant\n%v", got, want)
	}
}

func TestUnconfirmed(t *testing.T) {
	geo := twoSquares()
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	sts := station.Slice{
		{ID: "a", Adcode: "990101", VerifiedAt: now.Add(-200 * 24 * time.Hour)},
		{ID: "b", Adcode: "990101"}, // never
		{ID: "c", Adcode: "990101", VerifiedAt: now.Add(-10 * 24 * time.Hour)},
		{ID: "d", Adcode: "990102", VerifiedAt: now.Add(-300 * 24 * time.Hour)},
		{ID: "e", Adcode: "990102", Status: station.Closed},
	}
	for _, c := range []struct {
		adcode string
		limit  int
		want   []int
		total  int
	}{{"", 10, []int{1, 3, 0}, 3}, {"990100", 2, []int{1, 3}, 3}, {"990101", 10, []int{1, 0}, 2}, {"990102", 10, []int{3}, 1}} {
		got, total, ok := geo.Unconfirmed(sts, c.adcode, now, c.limit)
		if !ok || !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%q: %v of %d, want %v of %d", c.adcode, got, total, c.want, c.total)
		}
	}
	if _, _, ok := geo.Unconfirmed(sts, "123456", now, 1); ok {
		t.Error("an unknown adcode is ok")
	}
}
