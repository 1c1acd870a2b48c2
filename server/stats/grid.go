package stats

import (
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/spatial"
)

// CellM is the side of a grid cell in metres.
const CellM = 1000

// Geography is the areas statistics are kept for: cities, and the districts that make them up, each
// district with its 1 km grid. A city's land is the land of its districts (the built-in cities are
// exactly their districts), so a city's numbers are always the sums of its districts'.
type Geography struct {
	Cities    []areas.Area
	Districts []areas.Area
	grids     []grid         // per district
	district  map[string]int // district adcode → index
	city      map[string]int // city adcode → index
	ofCity    [][]int        // city index → its districts
	cityOf    []int          // district index → its city (-1: none)
	byBound   []areaBox      // districts with their bounds, for locating a point
}

type areaBox struct {
	i     int
	bound orb.Bound
}

// grid is a district's 1 km grid: square cells of CellM on a local equirectangular projection centred
// on the district (x = R·cos φ0·Δλ, y = R·Δφ, in metres), so a cell is a true 1 km square to within
// the projection's error over the district (under 0.5 % across Liaoning's largest district). A cell
// counts when its centre lies inside the district's polygon; a district too small to hold any cell
// centre gets one cell at its label point, so that every district has land.
//
// The projection is linear in longitude and latitude, so a cell is also a lon/lat rectangle.
type grid struct {
	lon0, lat0 float64 // the grid's corner (cell (0, 0) starts here)
	dLon, dLat float64 // one cell in degrees
	cells      []cell
}

type cell struct {
	col, row int32
	centre   orb.Point
}

// Bound is the cell's lon/lat rectangle.
func (g *grid) bound(c cell) orb.Bound {
	minLon, minLat := g.lon0+float64(c.col)*g.dLon, g.lat0+float64(c.row)*g.dLat
	return orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{minLon + g.dLon, minLat + g.dLat}}
}

var (
	provinceOnce sync.Once
	province     *Geography
	provinceErr  error
)

// Province is the geography of the built-in areas (areas.Load): Liaoning's 14 cities and 100
// districts. It is made once (the grids take a few tenths of a second) and shared.
func Province() (*Geography, error) {
	provinceOnce.Do(func() {
		all, err := areas.Load()
		if err != nil {
			provinceErr = err
			return
		}
		province = NewGeography(all)
	})
	return province, provinceErr
}

// NewGeography lays the grids over areas (cities and districts in any order; a district names its
// city by CityAdcode).
func NewGeography(all []areas.Area) *Geography {
	g := &Geography{district: map[string]int{}, city: map[string]int{}}
	for _, a := range all {
		if a.Level == areas.LevelCity {
			g.city[a.Adcode] = len(g.Cities)
			g.Cities = append(g.Cities, a)
		} else {
			g.district[a.Adcode] = len(g.Districts)
			g.Districts = append(g.Districts, a)
		}
	}
	g.ofCity = make([][]int, len(g.Cities))
	g.cityOf = make([]int, len(g.Districts))
	g.grids = make([]grid, len(g.Districts))
	var wg sync.WaitGroup
	for i := range g.Districts {
		d := &g.Districts[i]
		g.cityOf[i] = -1
		if c, ok := g.city[d.CityAdcode]; ok {
			g.cityOf[i] = c
			g.ofCity[c] = append(g.ofCity[c], i)
		}
		g.byBound = append(g.byBound, areaBox{i, d.Bound})
		wg.Go(func() { g.grids[i] = newGrid(d) })
	}
	wg.Wait()
	return g
}

func newGrid(a *areas.Area) grid {
	b := a.Bound
	lat0 := (b.Min[1] + b.Max[1]) / 2
	mPerDegLat := spatial.EarthRadiusM * math.Pi / 180
	mPerDegLon := mPerDegLat * math.Cos(lat0*math.Pi/180)
	g := grid{lon0: b.Min[0], lat0: b.Min[1], dLon: CellM / mPerDegLon, dLat: CellM / mPerDegLat}
	cols := int32(math.Ceil((b.Max[0] - b.Min[0]) / g.dLon))
	rows := int32(math.Ceil((b.Max[1] - b.Min[1]) / g.dLat))
	for r := range rows {
		for c := range cols {
			p := orb.Point{g.lon0 + (float64(c)+0.5)*g.dLon, g.lat0 + (float64(r)+0.5)*g.dLat}
			if a.Contains(p) {
				g.cells = append(g.cells, cell{c, r, p})
			}
		}
	}
	if len(g.cells) == 0 {
		c := int32(math.Floor((a.Label[0] - g.lon0) / g.dLon))
		r := int32(math.Floor((a.Label[1] - g.lat0) / g.dLat))
		g.cells = []cell{{c, r, a.Label}}
	}
	return g
}

// Cells returns the centres of district adcode's cells, in grid order (rows south to north, cells
// west to east), and false for an adcode that is no district.
func (g *Geography) Cells(adcode string) ([]orb.Point, bool) {
	i, ok := g.district[adcode]
	if !ok {
		return nil, false
	}
	out := make([]orb.Point, len(g.grids[i].cells))
	for k, c := range g.grids[i].cells {
		out[k] = c.centre
	}
	return out, true
}

// CellBound is the lon/lat rectangle of cell k of district adcode (as Cells numbers them).
func (g *Geography) CellBound(adcode string, k int) orb.Bound {
	gr := &g.grids[g.district[adcode]]
	return gr.bound(gr.cells[k])
}

// locate finds the district for a station: the district of its stored adcode when that is one of
// ours, else the district whose polygon holds its point; -1 when neither.
//
// The stored adcode comes first because it is the administrative fact an office counts by (the
// station is registered with that district), and the importer holds the point to it (within 2.5 km);
// the polygons are simplified to about 1 km, so a point-in-polygon test alone would move stations
// near a border into the neighbouring district (458 of the seed's 16,500 lie just outside their
// district's polygon).
func (g *Geography) locate(adcode string, p orb.Point) int {
	if i, ok := g.district[adcode]; ok {
		return i
	}
	for _, b := range g.byBound {
		if b.bound.Contains(p) && g.Districts[b.i].Contains(p) {
			return b.i
		}
	}
	return -1
}

// districtsOf returns the districts of adcode: itself for a district, its districts for a city.
func (g *Geography) districtsOf(adcode string) ([]int, bool) {
	if i, ok := g.district[adcode]; ok {
		return []int{i}, true
	}
	if c, ok := g.city[adcode]; ok {
		return slices.Clone(g.ofCity[c]), true
	}
	return nil, false
}

// Has reports whether adcode is one of the geography's cities or districts.
func (g *Geography) Has(adcode string) bool {
	_, ok := g.districtsOf(adcode)
	return ok
}
