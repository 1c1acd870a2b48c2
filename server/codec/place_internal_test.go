package codec

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Swapped columns: the import finds them before the place check (swapped_coordinates), whose cause
// finder still tells them from the other mistakes.
func TestPlaceCauseSwapped(t *testing.T) {
	heping, _ := areas.ByAdcode("210102")
	typed := orb.Point{heping.Label[1], heping.Label[0]}
	if got := likelyCause([]areas.Area{heping}, typed, spatial.WGS84).In(station.LangZh); !strings.Contains(got, "经度和纬度两列填反了") {
		t.Errorf("swapped: %q", got)
	}
	// nothing undoes a point in the next city
	dalian, _ := areas.ByAdcode("210202")
	if got := likelyCause([]areas.Area{heping}, dalian.Label, spatial.WGS84).In(station.LangEn); got != "Check the longitude and latitude against the district and administrative code given." {
		t.Errorf("no cause: %q", got)
	}
}

// seedStations reads the seed's points and declared places.
func seedStations(tb testing.TB) []station.Station {
	f, err := os.Open(filepath.Join("..", "..", "data", "stations.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]station.Station, 0, len(rows)-1)
	for _, r := range rows[1:] {
		lon, _ := strconv.ParseFloat(r[3], 64)
		lat, _ := strconv.ParseFloat(r[4], 64)
		out = append(out, station.Station{Lon: lon, Lat: lat, City: r[6], District: r[7], Adcode: r[8]})
	}
	return out
}

// The seed's 16,500 stations all fit their districts, declared by adcode or by name.
func TestPlaceSeedHasNoFalseAlarms(t *testing.T) {
	for _, st := range seedStations(t) {
		if e := checkPlace(&st, spatial.WGS84, "lon"); e != nil {
			t.Fatalf("%+v: %v", st, e)
		}
		byName := st
		byName.Adcode = ""
		if e := checkPlace(&byName, spatial.WGS84, "lon"); e != nil {
			t.Fatalf("%+v: %v", byName, e)
		}
	}
}

// BenchmarkCheckPlace checks 100,000 seed points against their districts.
func BenchmarkCheckPlace(b *testing.B) {
	seed := seedStations(b)
	pts := make([]station.Station, 100_000)
	for i := range pts {
		pts[i] = seed[i%len(seed)]
	}
	for b.Loop() {
		for i := range pts {
			if e := checkPlace(&pts[i], spatial.WGS84, "lon"); e != nil {
				b.Fatal(e)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pts)), "ns/point")
}
