package areas

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Metres per degree of latitude, and of longitude at the equator (WGS-84, rounded: the areas are
// good to about a kilometre).
const (
	metresPerDegLat = 110_574.0
	metresPerDegLon = 111_320.0
)

// Contains reports whether p (WGS-84 lon, lat) is inside a (on its edge it may say either).
func (a *Area) Contains(p orb.Point) bool {
	if !a.Bound.Contains(p) {
		return false
	}
	if len(a.Polygon) > 0 && len(a.Polygon[0]) > 0 && len(a.Polygon[0][0]) > 0 {
		if ix := indexes().edges[slot(a.Adcode)]; ix != nil && ix.first == &a.Polygon[0][0][0] {
			return ix.contains(p)
		}
	}
	return planar.MultiPolygonContains(a.Polygon, p)
}

// edgeIndex holds an area's edges by band of latitude, so that a containment test (a ray cast to the
// east, counting crossings) looks at the few edges of the point's band instead of all of them: an
// import checks every row's point against its district.
type edgeIndex struct {
	first        *orb.Point // the polygon indexed, to tell it from a copy of the area with other shapes
	minLat, step float64
	bands        [][]edgeSeg
}

type edgeSeg struct{ ax, ay, bx, by float64 }

const indexBands = 64

func newEdgeIndex(a *Area) *edgeIndex {
	ix := &edgeIndex{first: &a.Polygon[0][0][0], minLat: a.Bound.Min[1],
		step: (a.Bound.Max[1] - a.Bound.Min[1]) / indexBands, bands: make([][]edgeSeg, indexBands)}
	if ix.step <= 0 {
		ix.step = 1
	}
	for _, poly := range a.Polygon {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				e := edgeSeg{ring[i][0], ring[i][1], ring[i+1][0], ring[i+1][1]}
				if e.ay == e.by {
					continue // a horizontal edge is never crossed by the ray
				}
				for b := ix.band(min(e.ay, e.by)); b <= ix.band(max(e.ay, e.by)); b++ {
					ix.bands[b] = append(ix.bands[b], e)
				}
			}
		}
	}
	return ix
}

func (ix *edgeIndex) band(lat float64) int {
	return max(0, min(indexBands-1, int((lat-ix.minLat)/ix.step)))
}

// contains counts the edges crossed by a ray from p to the east: odd is inside (holes and islands
// alike, as the areas do not overlap themselves).
func (ix *edgeIndex) contains(p orb.Point) bool {
	in := false
	for _, e := range ix.bands[ix.band(p[1])] {
		if (e.ay > p[1]) != (e.by > p[1]) && p[0] < e.ax+(p[1]-e.ay)*(e.bx-e.ax)/(e.by-e.ay) {
			in = !in
		}
	}
	return in
}

// slot numbers Liaoning's adcodes (21xxyy) 1 to 9999, for lookups without hashing: an import looks
// up every row's district. Other adcodes are 0.
func slot(adcode string) int {
	if len(adcode) != 6 || adcode[0] != '2' || adcode[1] != '1' {
		return 0
	}
	n := 0
	for i := 2; i < 6; i++ {
		c := adcode[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// indexes finds each embedded area (its position in Load's slice plus 1) and its edge index by slot.
var indexes = sync.OnceValue(func() *struct {
	pos   [10000]int
	edges [10000]*edgeIndex
} {
	ix := new(struct {
		pos   [10000]int
		edges [10000]*edgeIndex
	})
	all, _ := Load()
	for i := range all {
		a := &all[i]
		if s := slot(a.Adcode); s != 0 {
			ix.pos[s] = i + 1
			if len(a.Polygon) > 0 && len(a.Polygon[0]) > 0 && len(a.Polygon[0][0]) > 0 {
				ix.edges[s] = newEdgeIndex(a)
			}
		}
	}
	return ix
})

// Near reports whether p is inside a or at most tolM metres from it. A point outside the area's box
// widened by tolM is refused without looking at the polygon.
func (a *Area) Near(p orb.Point, tolM float64) bool {
	if a.Contains(p) {
		return true
	}
	dLat := tolM / metresPerDegLat
	dLon := tolM / (metresPerDegLon * math.Cos(p[1]*math.Pi/180))
	b := a.Bound
	if p[0] < b.Min[0]-dLon || p[0] > b.Max[0]+dLon || p[1] < b.Min[1]-dLat || p[1] > b.Max[1]+dLat {
		return false
	}
	return a.Distance(p) <= tolM
}

// Distance is how far p is from a in metres: 0 inside or on its edge, otherwise the distance to its
// nearest edge, measured on a plane through p (an error under 0.1 % at a few kilometres). It looks at
// every edge: for the rows that fail a check, not for every row.
func (a *Area) Distance(p orb.Point) float64 {
	if a.Contains(p) {
		return 0
	}
	kx := metresPerDegLon * math.Cos(p[1]*math.Pi/180)
	best := math.Inf(1)
	for _, poly := range a.Polygon {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				ax, ay := (ring[i][0]-p[0])*kx, (ring[i][1]-p[1])*metresPerDegLat
				bx, by := (ring[i+1][0]-p[0])*kx, (ring[i+1][1]-p[1])*metresPerDegLat
				if d := originToSegment(ax, ay, bx, by); d < best {
					best = d
				}
			}
		}
	}
	return best
}

// originToSegment is the distance from (0, 0) to the segment a–b.
func originToSegment(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// ByAdcode finds a city or district by its adcode.
func ByAdcode(adcode string) (Area, bool) {
	all, err := Load()
	if err != nil {
		return Area{}, false
	}
	if i := indexes().pos[slot(adcode)]; i > 0 {
		return all[i-1], true
	}
	return Area{}, false
}
