package seedgen_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/seedgen"
	"github.com/yizhan/yizhan/server/station"
)

const (
	refDir    = "../../data/reference"
	seedFile  = "../../data/stations.csv"
	headerRow = "id,name,kind,lon,lat,address,city,district,adcode,amenities,opening_hours,status,status_note,audience,phone,operator,verified_at"
)

// 2020 census population (10,000s) per city, written out again here so the
// test does not just compare the generator's table with itself.
var population = map[string]int{
	"沈阳市": 907, "大连市": 745, "鞍山市": 333, "抚顺市": 185, "本溪市": 133, "丹东市": 219, "锦州市": 270,
	"营口市": 233, "阜新市": 165, "辽阳市": 160, "盘锦市": 139, "铁岭市": 239, "朝阳市": 287, "葫芦岛市": 243,
}

var areaCodes = map[string]string{
	"沈阳市": "024", "大连市": "0411", "鞍山市": "0412", "抚顺市": "0413", "本溪市": "0414", "丹东市": "0415",
	"锦州市": "0416", "营口市": "0417", "阜新市": "0418", "辽阳市": "0419", "铁岭市": "0410", "朝阳市": "0421",
	"盘锦市": "0427", "葫芦岛市": "0429",
}

var (
	idRE    = regexp.MustCompile(`^LN-(\d{6})-(\d{4,})$`)
	coordRE = regexp.MustCompile(`^\d{2,3}\.\d{6}$`)
	phoneRE = regexp.MustCompile(`^(0\d{2,3})-0\d{6,7}$`)
)

type row map[string]string

func loadSeed(t *testing.T) ([]byte, []row) {
	t.Helper()
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("seed file starts with a BOM")
	}
	if bytes.Contains(data, []byte("\r\n")) {
		t.Fatal("seed file has CRLF line ends")
	}
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != headerRow {
		t.Fatalf("header = %q, want %q", got, headerRow)
	}
	rows := make([]row, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := row{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return data, rows
}

func loadRef(t *testing.T) (*seedgen.Reference, map[string]*seedgen.District) {
	t.Helper()
	ref, err := seedgen.LoadReference(refDir)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*seedgen.District{}
	for _, d := range ref.Districts {
		byCode[d.Adcode] = d
	}
	if len(byCode) != 100 {
		t.Fatalf("reference has %d districts, want 100", len(byCode))
	}
	return ref, byCode
}

func point(t *testing.T, r row) orb.Point {
	t.Helper()
	lon, err1 := strconv.ParseFloat(r["lon"], 64)
	lat, err2 := strconv.ParseFloat(r["lat"], 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: bad coordinates %q %q", r["id"], r["lon"], r["lat"])
	}
	return orb.Point{lon, lat}
}

// TestSeedFileDeterministic regenerates the committed file from the
// defaults and requires identical bytes.
func TestSeedFileDeterministic(t *testing.T) {
	data, rows := loadSeed(t)
	ref, _ := loadRef(t)
	stations, err := seedgen.Generate(ref, seedgen.Config{N: len(rows), Seed: seedgen.DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := seedgen.WriteCSV(&buf, stations); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("regenerating with n=%d seed=%d does not reproduce %s; run scripts/gen-seed", len(rows), seedgen.DefaultSeed, seedFile)
	}

	// A different seed gives a different file (the seed is really used).
	other, err := seedgen.Generate(ref, seedgen.Config{N: 2000, Seed: seedgen.DefaultSeed + 1})
	if err != nil {
		t.Fatal(err)
	}
	again, err := seedgen.Generate(ref, seedgen.Config{N: 2000, Seed: seedgen.DefaultSeed + 1})
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 bytes.Buffer
	if err := seedgen.WriteCSV(&b1, other); err != nil {
		t.Fatal(err)
	}
	if err := seedgen.WriteCSV(&b2, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("two runs with the same seed differ")
	}
	if bytes.Equal(b1.Bytes()[:4000], data[:4000]) {
		t.Fatal("a different seed gives the same rows")
	}
}

// TestSeedFilePointsInDistricts checks every station against its own
// district polygon with orb/planar, independently of the generator's index.
func TestSeedFilePointsInDistricts(t *testing.T) {
	_, rows := loadSeed(t)
	_, byCode := loadRef(t)
	for _, r := range rows {
		d := byCode[r["adcode"]]
		if d == nil {
			t.Fatalf("%s: unknown adcode %s", r["id"], r["adcode"])
		}
		if pt := point(t, r); !planar.MultiPolygonContains(d.Geometry, pt) {
			t.Errorf("%s: %v is not inside %s %s", r["id"], pt, d.Adcode, d.Name)
		}
	}
}

func TestSeedFileFields(t *testing.T) {
	_, rows := loadSeed(t)
	_, byCode := loadRef(t)
	if len(rows) < 16000 {
		t.Fatalf("%d stations, want at least 16,000", len(rows))
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("", 8*3600))

	seen := map[string]bool{}
	prevID := ""
	for _, r := range rows {
		id := r["id"]
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("%s: %s", id, fmt.Sprintf(format, args...))
		}
		m := idRE.FindStringSubmatch(id)
		if m == nil || m[1] != r["adcode"] {
			fail("id does not match LN-{adcode}-{serial}")
		}
		if seen[id] {
			fail("duplicate id")
		}
		seen[id] = true
		if id <= prevID {
			fail("not sorted: after %s", prevID)
		}
		prevID = id

		d := byCode[r["adcode"]]
		if d == nil {
			fail("unknown adcode %q", r["adcode"])
			continue
		}
		if r["city"] != d.City || r["district"] != d.Name {
			fail("city/district %s %s, want %s %s", r["city"], r["district"], d.City, d.Name)
		}
		if r["name"] == "" || r["operator"] == "" {
			fail("empty name or operator")
		}
		if _, ok := station.ParseKind(r["kind"]); !ok {
			fail("bad kind %q", r["kind"])
		}
		if !coordRE.MatchString(r["lon"]) || !coordRE.MatchString(r["lat"]) {
			fail("coordinates %s,%s not in 6-decimal form", r["lon"], r["lat"])
		}
		if pt := point(t, r); pt[0] < 118.8 || pt[0] > 125.8 || pt[1] < 38.7 || pt[1] > 43.5 {
			fail("outside Liaoning's bounding box: %v", pt)
		}
		if !strings.HasPrefix(r["address"], "辽宁省"+d.City+d.Name) || !strings.HasSuffix(r["address"], "号") {
			fail("address %q", r["address"])
		}
		last := -1
		if r["amenities"] == "" {
			fail("no amenities")
		}
		for _, code := range strings.Split(r["amenities"], ";") {
			a, ok := station.ParseAmenity(code)
			if !ok || int(a) <= last {
				fail("amenities %q: unknown code or not in vocabulary order", r["amenities"])
				break
			}
			last = int(a)
		}
		if oh := r["opening_hours"]; oh != "" { // empty: no hours known, which evaluates to unknown
			if res := hours.Normalize(oh); res.Status != hours.Parsed || res.Normalized != oh {
				fail("opening_hours %q: %s as %q; want canonical OSM syntax", oh, res.Status, res.Normalized)
			}
		}
		if _, ok := station.ParseStatus(r["status"]); !ok {
			fail("bad status %q", r["status"])
		}
		if (r["status"] == "temporarily_closed") != (r["status_note"] != "") && r["status"] != "closed" {
			fail("status %s with note %q", r["status"], r["status_note"])
		}
		if _, ok := station.ParseAudience(r["audience"]); !ok {
			fail("bad audience %q", r["audience"])
		}
		if p := r["phone"]; p != "" {
			m := phoneRE.FindStringSubmatch(p)
			if m == nil || m[1] != areaCodes[d.City] {
				fail("phone %q is not a fictitious %s landline", p, areaCodes[d.City])
			}
		}
		if v := r["verified_at"]; v != "" {
			ts, err := time.Parse(time.RFC3339, v)
			if err != nil || !strings.HasSuffix(v, "+08:00") {
				fail("verified_at %q", v)
			} else if ts.After(base) || ts.Before(base.AddDate(0, 0, -401)) {
				fail("verified_at %q outside the 400 days before %s", v, base)
			}
		}
	}
}

func TestSeedFileMix(t *testing.T) {
	_, rows := loadSeed(t)
	n := len(rows)
	perCity := map[string]int{}
	perKind := map[string]int{}
	amenities := map[string]int{}
	kindAmenity := map[string]int{} // "kind/amenity"
	status := map[string]int{}
	noPhone, unverified, noHours := 0, 0, 0
	for _, r := range rows {
		perCity[r["city"]]++
		perKind[r["kind"]]++
		status[r["status"]]++
		for _, a := range strings.Split(r["amenities"], ";") {
			amenities[a]++
			kindAmenity[r["kind"]+"/"+a]++
		}
		if r["phone"] == "" {
			noPhone++
		}
		if r["verified_at"] == "" {
			unverified++
		}
		if r["opening_hours"] == "" {
			noHours++
		}
	}

	total := 0
	for _, p := range population {
		total += p
	}
	if len(perCity) != 14 {
		t.Errorf("%d cities, want 14: %v", len(perCity), perCity)
	}
	for city, p := range population {
		want := float64(n) * float64(p) / float64(total)
		if got := float64(perCity[city]); math.Abs(got-want) > 0.02*want {
			t.Errorf("%s: %d stations, want %.0f ±2%%", city, perCity[city], want)
		}
	}

	share := func(k string) float64 { return float64(perKind[k]) / float64(n) }
	for k, want := range map[string]float64{
		"caring_station": 0.55, "driver_home": 0.15, "union_station": 0.15, "community_center": 0.12, "other": 0.03,
	} {
		if got := share(k); math.Abs(got-want) > 0.02 {
			t.Errorf("kind %s: share %.3f, want %.2f ±0.02", k, got, want)
		}
	}
	if len(amenities) < 14 {
		t.Errorf("%d amenities used, want at least 14", len(amenities))
	}
	if got := float64(amenities["heating"]) / float64(n); got < 0.85 {
		t.Errorf("heating at %.2f of stations, want ≥ 0.85", got)
	}
	if got := float64(kindAmenity["driver_home/truck_parking"]) / float64(perKind["driver_home"]); got < 0.9 {
		t.Errorf("truck_parking at %.2f of driver homes, want ≥ 0.9", got)
	}
	if got := float64(kindAmenity["caring_station/truck_parking"]) / float64(perKind["caring_station"]); got > 0.05 {
		t.Errorf("truck_parking at %.2f of caring stations, want ≤ 0.05", got)
	}
	if s := float64(status["temporarily_closed"]) / float64(n); s < 0.01 || s > 0.03 {
		t.Errorf("temporarily_closed share %.3f, want about 0.02", s)
	}
	if status["closed"] == 0 || noPhone == 0 || unverified == 0 || noHours == 0 {
		t.Errorf("want some closed (%d), phoneless (%d), never verified (%d) and unknown-hours (%d) stations",
			status["closed"], noPhone, unverified, noHours)
	}
}

// TestSeedFileSpecialPlacements looks for the deliberately awkward points:
// Dalian islands, district borders and dense runs along one street.
func TestSeedFileSpecialPlacements(t *testing.T) {
	_, rows := loadSeed(t)
	_, byCode := loadRef(t)

	// Islands: stations in a polygon other than the largest one of their
	// Dalian district (长海县 is all islands, so it must have some too).
	islandParts := map[string]bool{}
	changhai := 0
	nearBorder := 0
	runs := map[string]int{}
	trailingNumber := regexp.MustCompile(`\d+号$`)
	for _, r := range rows {
		d := byCode[r["adcode"]]
		pt := point(t, r)
		if strings.HasPrefix(r["adcode"], "2102") && len(d.Geometry) > 1 {
			largest := 0
			for i, p := range d.Geometry {
				if planar.Area(p) > planar.Area(d.Geometry[largest]) {
					largest = i
				}
			}
			for i, p := range d.Geometry {
				if i != largest && planar.PolygonContains(p, pt) {
					islandParts[fmt.Sprintf("%s/%d", d.Adcode, i)] = true
					if d.Name == "长海县" {
						changhai++
					}
				}
			}
		}
		// Within about 300 m of the district's outline.
		if dist := planar.DistanceFrom(d.Geometry, pt); dist < 0.003 {
			nearBorder++
		}
		runs[trailingNumber.ReplaceAllString(r["address"], "")]++
	}
	if len(islandParts) < 10 || changhai < 5 {
		t.Errorf("stations on %d Dalian island polygons (%d on 长海县's smaller islands), want ≥ 10 and ≥ 5",
			len(islandParts), changhai)
	}
	if nearBorder < 100 {
		t.Errorf("%d stations within ~300 m of their district border, want ≥ 100", nearBorder)
	}
	clusters := 0
	for _, c := range runs {
		if c >= 4 {
			clusters++
		}
	}
	if clusters < 20 {
		t.Errorf("%d roads with 4 or more stations, want ≥ 20 clusters", clusters)
	}
}

func TestGenerateSmallAndIDs(t *testing.T) {
	ref, _ := loadRef(t)
	if _, err := seedgen.Generate(ref, seedgen.Config{N: seedgen.MinN - 1, Seed: 1}); err == nil {
		t.Errorf("n=%d should fail", seedgen.MinN-1)
	}
	st, err := seedgen.Generate(ref, seedgen.Config{N: seedgen.MinN, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cities := map[string]bool{}
	for _, s := range st {
		cities[s.District.City] = true
	}
	if len(st) != seedgen.MinN || len(cities) != 14 {
		t.Errorf("n=%d gave %d stations in %d cities", seedgen.MinN, len(st), len(cities))
	}
	ids := make([]string, len(st))
	for i, s := range st {
		ids[i] = s.ID
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids not sorted: %v", ids)
	}
}

// A rider must be able to tell which station the app means: at least 90% of the names are distinct,
// and no two stations with the same name are within 2 km of each other (measured by haversine, not by
// the generator's grid).
func TestSeedFileNamesTellApart(t *testing.T) {
	_, rows := loadSeed(t)
	byName := map[string][]orb.Point{}
	for _, r := range rows {
		byName[r["name"]] = append(byName[r["name"]], point(t, r))
	}
	if share := float64(len(byName)) / float64(len(rows)); share < 0.9 {
		t.Errorf("%d distinct names for %d stations (%.1f%%), want at least 90%%", len(byName), len(rows), 100*share)
	}
	haversineKm := func(a, b orb.Point) float64 {
		rad := math.Pi / 180
		dLat, dLon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
		h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
		return 2 * 6371.0088 * math.Asin(math.Sqrt(h))
	}
	near := 0
	for name, pts := range byName {
		for i := range pts {
			for j := i + 1; j < len(pts); j++ {
				if d := haversineKm(pts[i], pts[j]); d < 2 {
					if near++; near <= 5 {
						t.Errorf("two stations named %s %.2f km apart", name, d)
					}
				}
			}
		}
	}
	if near > 0 {
		t.Errorf("%d pairs of stations with the same name less than 2 km apart", near)
	}
}
