// Package areas is the built-in base layer: Liaoning's 14 cities and 100 districts as simplified
// polygons with names, made by Build from the reference districts and embedded as
// liaoning-areas.geojson (served by GET /api/v1/areas), and a point-in-area lookup over them.
//
// The file lists the cities first, then the districts, each sorted by adcode. Every feature has the
// adcode as its id and the properties name, adcode, level ("city" or "district"), label (a [lon, lat]
// point inside its largest part) and, for districts, city and city_adcode.
//
// The shapes are approximate (about 1 km) and of unstated origin (data/reference/LICENSES.md): a
// schematic background and a plausibility check, not a reviewed map.
package areas

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

//go:embed liaoning-areas.geojson
var embedded []byte

// JSON returns the embedded FeatureCollection. The slice is shared: do not modify it.
func JSON() []byte { return embedded }

// Levels of an Area.
const (
	LevelCity     = "city"
	LevelDistrict = "district"
)

// Area is one city or district.
type Area struct {
	Adcode, Name string
	Level        string // LevelCity or LevelDistrict
	// City and CityAdcode are the district's city (for a city: its own name and adcode).
	City, CityAdcode string
	Polygon          orb.MultiPolygon
	Bound            orb.Bound
	Label            orb.Point
}

var (
	loadOnce  sync.Once
	loaded    []Area
	loadErr   error
	districts []int // indexes into loaded
	cityIndex map[string]int
)

// Load returns the embedded areas, cities first then districts, each by adcode. The slice and the
// polygons are shared: do not modify them.
func Load() ([]Area, error) {
	loadOnce.Do(func() {
		loaded, loadErr = Parse(embedded)
		cityIndex = map[string]int{}
		for i, a := range loaded {
			if a.Level == LevelCity {
				cityIndex[a.Adcode] = i
			} else {
				districts = append(districts, i)
			}
		}
	})
	return loaded, loadErr
}

// Parse reads a FeatureCollection written by Build.
func Parse(data []byte) ([]Area, error) {
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name       string     `json:"name"`
				Adcode     string     `json:"adcode"`
				Level      string     `json:"level"`
				City       string     `json:"city"`
				CityAdcode string     `json:"city_adcode"`
				Label      [2]float64 `json:"label"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, err
	}
	out := make([]Area, 0, len(fc.Features))
	for _, f := range fc.Features {
		p := f.Properties
		a := Area{Adcode: p.Adcode, Name: p.Name, Level: p.Level, City: p.City, CityAdcode: p.CityAdcode,
			Label: orb.Point(p.Label)}
		if a.Level == LevelCity {
			a.City, a.CityAdcode = a.Name, a.Adcode
		}
		var coords [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var poly [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &poly); err != nil {
				return nil, fmt.Errorf("area %s: %w", p.Adcode, err)
			}
			coords = [][][][2]float64{poly}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &coords); err != nil {
				return nil, fmt.Errorf("area %s: %w", p.Adcode, err)
			}
		default:
			return nil, fmt.Errorf("area %s: geometry %q", p.Adcode, f.Geometry.Type)
		}
		for _, poly := range coords {
			var op orb.Polygon
			for _, ring := range poly {
				r := make(orb.Ring, len(ring))
				for i, c := range ring {
					r[i] = orb.Point(c)
				}
				op = append(op, r)
			}
			a.Polygon = append(a.Polygon, op)
		}
		a.Bound = a.Polygon.Bound()
		out = append(out, a)
	}
	return out, nil
}

// Locate finds the district containing p (WGS-84 lon, lat) and its city; ok is false outside every
// district (the sea, outside Liaoning, or the embedded file failing to load, which the tests rule out).
// Points on a border between two districts go to the one with the lower adcode.
func Locate(p orb.Point) (district, city Area, ok bool) {
	all, err := Load()
	if err != nil {
		return Area{}, Area{}, false
	}
	for _, i := range districts {
		d := &all[i]
		if d.Bound.Contains(p) && planar.MultiPolygonContains(d.Polygon, p) {
			return *d, all[cityIndex[d.CityAdcode]], true
		}
	}
	return Area{}, Area{}, false
}
