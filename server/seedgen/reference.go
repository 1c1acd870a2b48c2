package seedgen

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Reference files inside the reference directory (see data/reference/LICENSES.md).
const (
	DistrictsFile   = "liaoning-districts.geojson"
	StreetsFile     = "liaoning-streets.csv"
	CommunitiesFile = "liaoning-communities.csv"
)

// Reference is the real geography the synthetic stations are placed in:
// Liaoning's 100 county-level districts with their polygons, township-level
// streets and village-level communities.
type Reference struct {
	Districts []*District // sorted by adcode
}

// DistrictType tells urban districts from counties; it drives density and
// the kind mix of stations.
type DistrictType int

// District types, from the suffix of the official name.
const (
	UrbanDistrict DistrictType = iota // 区
	CountyCity                        // 县级市
	County                            // 县, 自治县
)

// District is one county-level unit (区/县/县级市).
type District struct {
	Adcode     string
	Name       string // 和平区
	Short      string // 和平: for names like 和平总工会…
	City       string // 沈阳市
	CityAdcode string // 210100
	Type       DistrictType
	Centre     [2]int64 // cp: seat of government, micro-degrees
	Geometry   orb.MultiPolygon
	Streets    []*Street

	parts     []part // Geometry's polygons, largest first
	areaUnits int64  // twice the total area in (1/1024°)² units
}

// Street is one township-level unit (街道/镇/乡 or a farm, zone ...).
type Street struct {
	Code        string
	Name        string // 浑河湾街道
	Short       string // 浑河湾
	Type        StreetType
	Communities []string // display names, e.g. 水源地社区, 前进村
}

// StreetType classifies township-level units by name suffix.
type StreetType int

// Township-level unit types.
const (
	Subdistrict StreetType = iota // 街道: urban
	Town                          // 镇
	Township                      // 乡
	OtherUnit                     // farms, development zones, scenic areas
)

// part is one polygon of a district with its bound (for a cheap reject
// before the exact point-in-polygon test) and its exact area.
type part struct {
	poly      orb.Polygon
	index     polyIndex
	bound     orb.Bound
	minX      int64 // bound in micro-degrees, for sampling on the output grid
	minY      int64
	maxX      int64
	maxY      int64
	areaUnits int64
}

// LoadReference reads the three reference files from dir.
func LoadReference(dir string) (*Reference, error) {
	data, err := os.ReadFile(filepath.Join(dir, DistrictsFile))
	if err != nil {
		return nil, err
	}
	var fc featureCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", DistrictsFile, err)
	}
	ref := &Reference{}
	byCode := map[string]*District{}
	for i, f := range fc.Features {
		d, err := newDistrict(f)
		if err != nil {
			return nil, fmt.Errorf("%s: feature %d: %w", DistrictsFile, i, err)
		}
		ref.Districts = append(ref.Districts, d)
		byCode[d.Adcode] = d
	}
	sort.Slice(ref.Districts, func(i, j int) bool { return ref.Districts[i].Adcode < ref.Districts[j].Adcode })

	streets := map[string]*Street{}
	err = readCSV(filepath.Join(dir, StreetsFile), []string{"code", "name", "district_adcode"}, func(r []string) error {
		d := byCode[r[2]]
		if d == nil {
			return fmt.Errorf("street %s: unknown district %s", r[0], r[2])
		}
		s := &Street{Code: r[0], Name: r[1]}
		s.Type, s.Short = classifyStreet(r[1])
		d.Streets = append(d.Streets, s)
		streets[s.Code] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(filepath.Join(dir, CommunitiesFile), []string{"code", "name", "street_code"}, func(r []string) error {
		s := streets[r[2]]
		if s == nil {
			return fmt.Errorf("community %s: unknown street %s", r[0], r[2])
		}
		if name := communityName(r[1]); name != "" {
			s.Communities = append(s.Communities, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range ref.Districts {
		if len(d.Streets) == 0 {
			return nil, fmt.Errorf("district %s %s has no streets", d.Adcode, d.Name)
		}
	}
	return ref, nil
}

func readCSV(path string, header []string, row func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	h, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(h, ",") != strings.Join(header, ",") {
		return fmt.Errorf("%s: header %q, want %q", path, h, header)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// featureCollection is the subset of GeoJSON the districts file uses. It is
// decoded with encoding/json straight into orb types: orb/geojson would pull
// in a BSON module the project does not otherwise need.
type featureCollection struct {
	Features []featureFromFile `json:"features"`
}

type featureFromFile struct {
	Properties struct {
		Adcode     string     `json:"adcode"`
		Name       string     `json:"name"`
		City       string     `json:"city"`
		CityAdcode string     `json:"city_adcode"`
		CP         [2]float64 `json:"cp"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func newDistrict(f featureFromFile) (*District, error) {
	pr := f.Properties
	d := &District{Adcode: pr.Adcode, Name: pr.Name, City: pr.City, CityAdcode: pr.CityAdcode}
	if len(d.Adcode) != 6 || d.Name == "" || d.City == "" || len(d.CityAdcode) != 6 {
		return nil, fmt.Errorf("missing or bad properties %+v", pr)
	}
	for i, v := range pr.CP {
		d.Centre[i] = int64(math.Round(v * 1e6))
	}
	d.Type, d.Short = classifyDistrict(d.Name)

	switch f.Geometry.Type {
	case "Polygon":
		var p orb.Polygon
		if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Adcode, err)
		}
		d.Geometry = orb.MultiPolygon{p}
	case "MultiPolygon":
		if err := json.Unmarshal(f.Geometry.Coordinates, &d.Geometry); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Adcode, err)
		}
	default:
		return nil, fmt.Errorf("%s: unexpected geometry %q", d.Adcode, f.Geometry.Type)
	}
	for _, poly := range d.Geometry {
		p := part{poly: poly, index: newPolyIndex(poly), bound: poly.Bound(), areaUnits: gridArea(poly)}
		p.minX = int64(math.Ceil(p.bound.Min[0] * 1e6))
		p.minY = int64(math.Ceil(p.bound.Min[1] * 1e6))
		p.maxX = int64(math.Floor(p.bound.Max[0] * 1e6))
		p.maxY = int64(math.Floor(p.bound.Max[1] * 1e6))
		d.parts = append(d.parts, p)
		d.areaUnits += p.areaUnits
	}
	// Largest first, ties kept in file order, so "part 0" is the mainland
	// (or the main island) and the rest are islands.
	sort.SliceStable(d.parts, func(i, j int) bool { return d.parts[i].areaUnits > d.parts[j].areaUnits })
	return d, nil
}

// gridArea returns twice the area of poly (outer ring minus holes) in units
// of (1/1024°)². The source vertices lie on the 1/1024° grid, so the
// shoelace sum is exact in integers and identical on every machine, which
// keeps area-weighted choices deterministic.
func gridArea(poly orb.Polygon) int64 {
	var total int64
	for i, ring := range poly {
		var s int64
		for j := range ring {
			a, b := ring[j], ring[(j+1)%len(ring)]
			s += grid(a[0])*grid(b[1]) - grid(b[0])*grid(a[1])
		}
		if s < 0 {
			s = -s
		}
		if i == 0 {
			total += s
		} else {
			total -= s
		}
	}
	return max(total, 0)
}

func grid(v float64) int64 { return int64(math.Round(v * 1024)) }

// Contains reports whether pt lies in the district (any polygon, holes
// excluded). Points within about a centimetre of a boundary count as
// outside (see ringIndex).
func (d *District) Contains(pt orb.Point) bool {
	for i := range d.parts {
		if d.parts[i].contains(pt) {
			return true
		}
	}
	return false
}

// contains is the fast indexed test. Because it refuses points within a
// centimetre of an edge, it agrees with orb/planar.PolygonContains, which
// the tests use to check every generated point.
func (p *part) contains(pt orb.Point) bool {
	return p.bound.Contains(pt) && p.index.contains(pt)
}

// AreaKm2 is the district's approximate area.
func (d *District) AreaKm2() float64 {
	// (1/1024°)² ≈ 108.6 m × 81.9 m at 41° N.
	return float64(d.areaUnits) / 2 * 0.1086 * 0.0819
}

func classifyDistrict(name string) (DistrictType, string) {
	if s, ok := districtShortNames[name]; ok {
		return County, s
	}
	t := County
	switch {
	case strings.HasSuffix(name, "区"):
		t = UrbanDistrict
	case strings.HasSuffix(name, "市"):
		t = CountyCity
	}
	short := strings.TrimRight(name, "区县市")
	if len([]rune(short)) < 2 {
		short = name
	}
	return t, short
}

// districtShortNames covers the autonomous counties, whose everyday names
// drop the ethnic designation.
var districtShortNames = map[string]string{
	"喀喇沁左翼蒙古族自治县": "喀左",
	"阜新蒙古族自治县":    "阜蒙",
	"宽甸满族自治县":     "宽甸",
	"本溪满族自治县":     "本溪县",
	"桓仁满族自治县":     "桓仁",
	"岫岩满族自治县":     "岫岩",
	"新宾满族自治县":     "新宾",
	"清原满族自治县":     "清原",
}

func classifyStreet(name string) (StreetType, string) {
	t := OtherUnit
	short := name
	switch {
	case strings.HasSuffix(name, "街道"):
		t, short = Subdistrict, strings.TrimSuffix(name, "街道")
	case strings.HasSuffix(name, "镇"):
		t, short = Town, strings.TrimSuffix(name, "镇")
	case strings.HasSuffix(name, "乡"):
		t, short = Township, strings.TrimSuffix(name, "乡")
	}
	for _, e := range []string{"满族", "蒙古族", "锡伯族", "朝鲜族", "回族"} {
		short = strings.TrimSuffix(short, e)
	}
	if len([]rune(short)) < 2 {
		short = name
	}
	return t, short
}

// communityName turns an official village-level name into the one people
// use: 春海社区居委会 → 春海社区, 满融村村民委员会 → 满融村. Placeholder
// units (虚拟生活区) are dropped.
func communityName(name string) string {
	if strings.Contains(name, "虚拟") {
		return ""
	}
	for _, suf := range []string{"村民委员会", "村委会"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if !strings.HasSuffix(base, "村") {
				base += "村"
			}
			return base
		}
	}
	for _, suf := range []string{"居民委员会", "居委会"} {
		if base, ok := strings.CutSuffix(name, suf); ok {
			if !strings.HasSuffix(base, "社区") {
				base += "社区"
			}
			return base
		}
	}
	return name
}
