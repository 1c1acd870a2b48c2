package seedgen

import (
	"math"

	"github.com/paulmach/orb"
)

// ringIndex speeds up point-in-ring tests for rejection sampling. orb's
// planar.RingContains walks the whole ring twice per call (once for the
// bound, once for the crossings); with thousands of vertices per district
// and millions of candidate points that dominated the run time. The index
// splits the ring's latitude range into bands and keeps, per band, the
// edges that reach into it, so a test looks at a handful of edges.
//
// It also refuses points that lie within nearEdge of an edge. Such points
// are the only ones two correct point-in-polygon tests can disagree on
// (through rounding), so rejecting them makes "inside" mean the same to the
// generator, to orb/planar in the tests and to any other reader.
type ringIndex struct {
	ring  orb.Ring
	minY  float64
	bandH float64
	bands [][]int32 // per band: indexes i of edges ring[i]→ring[i+1]
}

// nearEdge is about 1 cm: far above float64 rounding, far below the
// 0.1 m resolution of 6-decimal coordinates.
const nearEdge = 1e-7

func newRingIndex(r orb.Ring) *ringIndex {
	b := r.Bound()
	n := min(max(len(r)/8, 1), 4096)
	ri := &ringIndex{ring: r, minY: b.Min[1], bandH: (b.Max[1] - b.Min[1]) / float64(n), bands: make([][]int32, n)}
	if ri.bandH == 0 {
		ri.bandH = 1
	}
	for i := 0; i+1 < len(r); i++ {
		lo := ri.band(math.Min(r[i][1], r[i+1][1]) - nearEdge)
		hi := ri.band(math.Max(r[i][1], r[i+1][1]) + nearEdge)
		for k := lo; k <= hi; k++ {
			ri.bands[k] = append(ri.bands[k], int32(i))
		}
	}
	return ri
}

func (ri *ringIndex) band(y float64) int {
	k := int(math.Floor((y - ri.minY) / ri.bandH))
	return min(max(k, 0), len(ri.bands)-1)
}

// test reports whether pt is inside the ring (even-odd rule) and whether
// it is too close to an edge to tell safely.
func (ri *ringIndex) test(pt orb.Point) (inside, near bool) {
	px, py := pt[0], pt[1]
	for _, i := range ri.bands[ri.band(py)] {
		a, b := ri.ring[i], ri.ring[i+1]
		if segmentDist2(px, py, a, b) < nearEdge*nearEdge {
			return false, true
		}
		if (a[1] > py) != (b[1] > py) {
			x := a[0] + (py-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if px < x {
				inside = !inside
			}
		}
	}
	return inside, false
}

func segmentDist2(px, py float64, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Min(1, math.Max(0, ((px-a[0])*dx+(py-a[1])*dy)/l2))
	}
	ex, ey := a[0]+t*dx-px, a[1]+t*dy-py
	return ex*ex + ey*ey
}

// polyIndex is a polygon's outer ring and holes, indexed.
type polyIndex []*ringIndex

func newPolyIndex(p orb.Polygon) polyIndex {
	pi := make(polyIndex, len(p))
	for i, r := range p {
		pi[i] = newRingIndex(r)
	}
	return pi
}

// contains reports whether pt is clearly inside the outer ring and outside
// every hole; points within nearEdge of any ring count as outside.
func (pi polyIndex) contains(pt orb.Point) bool {
	in, near := pi[0].test(pt)
	if !in || near {
		return false
	}
	for _, h := range pi[1:] {
		if in, near := h.test(pt); in || near {
			return false
		}
	}
	return true
}
