package spatial

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Item is one point to index. Items are identified by their position in the slice
// given to NewIndex; callers pass items sorted by station id, so "ties by id" is
// the same as ties by position.
type Item struct {
	Point     orb.Point // WGS-84 [lon, lat]
	Kind      uint8     // kind number 0..31
	Amenities uint32    // amenity bit set
	Group     uint8     // a caller's class 0..31 (catalog: which opening hours), for Filter.ExcludeGroups
}

// Filter restricts matches. The zero Filter accepts everything.
type Filter struct {
	Amenities uint32 // every bit set here must be set on the item
	// Kinds requires bit (1<<Kind) to be set; 0 = any kind. An item with
	// Kind >= 32 has no kind bit, so it only matches Kinds == 0.
	Kinds uint32
	// ExcludeGroups rejects items whose bit (1<<Group) is set; 0 = none. It lets a
	// predicate on classes of items (e.g. "open now", where each class is a set of
	// opening hours) prune whole subtrees before Accept decides item by item.
	ExcludeGroups uint32
	// Accept is an optional extra predicate on the item position (e.g. "open
	// now"); nil accepts. It is called only for items that pass every other test
	// and could still make it into the result, so it may be called for fewer items
	// than match. It must be safe for concurrent use if the Filter is shared.
	Accept func(i int) bool
}

// Hit is one Nearest result: the item position and its DistanceM from the centre.
type Hit struct {
	Index     int
	DistanceM float64
}

// leafSize is the maximum number of points in a leaf; leaves hold between
// leafSize/2 and leafSize points. 8 to 32 measured within noise of each other at
// 16k points; 16 was best at 1M (BenchmarkNearest).
const leafSize = 16

// point is an item in tree order: its unit vector, amenity bits and position.
// 32 bytes, so two share a cache line during leaf scans.
type point struct {
	x, y, z float64
	amen    uint32
	pos     int32
}

// node is one node of the implicit k-d tree: node i has children 2i+1 and 2i+2,
// and all leaves sit on the last level. Boxes are float32, rounded outwards, so
// they still contain every point of the subtree exactly.
type node struct {
	min, max [3]float32 // box of the unit vectors
	llMin    [2]float32 // lon/lat box, for Within
	llMax    [2]float32
	amen     uint32 // OR of the amenity bits in the subtree
	kinds    uint32 // OR of 1<<Kind in the subtree
	groups   uint32 // OR of 1<<Group in the subtree
	minPos   int32  // smallest position in the subtree
	lo, hi   int32  // the subtree's points are pts[lo:hi]
}

// Index is a static, exact nearest-neighbour and bounding-box index over points.
// It is immutable after NewIndex and safe for any number of concurrent readers.
type Index struct {
	pts       []point
	kind      []uint8     // Kind, in tree order
	group     []uint8     // Group, in tree order
	lonlat    []orb.Point // original coordinates, in tree order
	nodes     []node
	firstLeaf int // nodes[firstLeaf:] are the leaves
}

// NewIndex builds an index over items, which it does not retain. Positions must
// fit in an int32. Points with NaN or infinite coordinates are indexed but never
// match anything.
func NewIndex(items []Item) *Index {
	n := len(items)
	if n > math.MaxInt32 {
		panic("spatial: too many items")
	}
	ix := &Index{}
	if n == 0 {
		return ix
	}
	ix.pts = make([]point, n)
	for i, it := range items {
		v := unitVec(it.Point)
		ix.pts[i] = point{x: v.x, y: v.y, z: v.z, amen: it.Amenities, pos: int32(i)}
	}
	// Choose the depth so that every leaf on the last level has <= leafSize points.
	depth, leaves := 0, 1
	for (n+leaves-1)/leaves > leafSize {
		depth++
		leaves *= 2
	}
	ix.firstLeaf = leaves - 1
	ix.nodes = make([]node, 2*leaves-1)
	ix.build(0, 0, n, depth)

	ix.kind = make([]uint8, n)
	ix.group = make([]uint8, n)
	ix.lonlat = make([]orb.Point, n)
	for j := range ix.pts {
		it := &items[ix.pts[j].pos]
		ix.kind[j] = it.Kind
		ix.group[j] = it.Group
		ix.lonlat[j] = it.Point
	}
	// Leaves need their lon/lat boxes and kinds, which needed the arrays above.
	ix.summarize(0)
	return ix
}

// Len returns the number of indexed items.
func (ix *Index) Len() int { return len(ix.pts) }

// build arranges pts[lo:hi] into the subtree rooted at node ni by splitting at the
// median of the axis with the widest extent.
func (ix *Index) build(ni, lo, hi, depth int) {
	nd := &ix.nodes[ni]
	nd.lo, nd.hi = int32(lo), int32(hi)
	if depth == 0 {
		return
	}
	mn := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	mx := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i := lo; i < hi; i++ {
		p := &ix.pts[i]
		for a, v := range [3]float64{p.x, p.y, p.z} {
			mn[a] = min(mn[a], v)
			mx[a] = max(mx[a], v)
		}
	}
	axis := 0
	for a := 1; a < 3; a++ {
		if mx[a]-mn[a] > mx[axis]-mn[axis] {
			axis = a
		}
	}
	mid := lo + (hi-lo)/2
	selectNth(ix.pts[lo:hi], mid-lo, axis)
	ix.build(2*ni+1, lo, mid, depth-1)
	ix.build(2*ni+2, mid, hi, depth-1)
}

// summarize fills in boxes, bit ORs and minimum positions bottom-up.
func (ix *Index) summarize(ni int) {
	nd := &ix.nodes[ni]
	if ni >= ix.firstLeaf {
		mn := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
		mx := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
		llMin := [2]float64{math.Inf(1), math.Inf(1)}
		llMax := [2]float64{math.Inf(-1), math.Inf(-1)}
		nd.minPos = math.MaxInt32
		for j := nd.lo; j < nd.hi; j++ {
			p := &ix.pts[j]
			// "v < mn" style updates skip NaN: a point with a NaN coordinate
			// never matches a query, so the box need not contain it.
			for a, v := range [3]float64{p.x, p.y, p.z} {
				if v < mn[a] {
					mn[a] = v
				}
				if v > mx[a] {
					mx[a] = v
				}
			}
			for a, v := range ix.lonlat[j] {
				if v < llMin[a] {
					llMin[a] = v
				}
				if v > llMax[a] {
					llMax[a] = v
				}
			}
			nd.amen |= p.amen
			nd.kinds |= kindBit(ix.kind[j])
			nd.groups |= kindBit(ix.group[j])
			nd.minPos = min(nd.minPos, p.pos)
		}
		for a := range 3 {
			nd.min[a], nd.max[a] = down32(mn[a]), up32(mx[a])
		}
		for a := range 2 {
			nd.llMin[a], nd.llMax[a] = down32(llMin[a]), up32(llMax[a])
		}
		return
	}
	ix.summarize(2*ni + 1)
	ix.summarize(2*ni + 2)
	l, r := &ix.nodes[2*ni+1], &ix.nodes[2*ni+2]
	for a := range 3 {
		nd.min[a], nd.max[a] = min(l.min[a], r.min[a]), max(l.max[a], r.max[a])
	}
	for a := range 2 {
		nd.llMin[a], nd.llMax[a] = min(l.llMin[a], r.llMin[a]), max(l.llMax[a], r.llMax[a])
	}
	nd.amen = l.amen | r.amen
	nd.kinds = l.kinds | r.kinds
	nd.groups = l.groups | r.groups
	nd.minPos = min(l.minPos, r.minPos)
}

// kindBit is the Filter.Kinds bit of a kind; Go shifts of 32 or more give 0.
func kindBit(k uint8) uint32 { return 1 << k }

// filterOK reports whether a subtree can contain an item that passes the bit tests.
func (nd *node) filterOK(amen, kinds, exclude uint32) bool {
	return nd.amen&amen == amen && (kinds == 0 || nd.kinds&kinds != 0) && nd.groups&^exclude != 0
}

// down32 and up32 round to float32 towards -Inf and +Inf, so a float32 box built
// from them contains the float64 values exactly. NaN stays NaN.
func down32(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up32(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

func (p *point) coord(axis int) float64 {
	var v float64
	switch axis {
	case 0:
		v = p.x
	case 1:
		v = p.y
	default:
		v = p.z
	}
	if v != v { // order NaN last so partitioning stays well defined
		return math.Inf(1)
	}
	return v
}

// selectNth partially sorts pts on axis so that pts[k] is in its sorted place,
// with nothing greater before it and nothing smaller after it (Hoare quickselect,
// median-of-three pivot). Runs of equal keys split evenly, so duplicate points
// do not degrade it; if the pivots are unlucky for too long it falls back to a
// full sort of the remaining range.
func selectNth(pts []point, k, axis int) {
	lo, hi := 0, len(pts)-1
	for rounds := 0; hi > lo; rounds++ {
		if rounds > 64 {
			slices.SortFunc(pts[lo:hi+1], func(a, b point) int {
				ka, kb := a.coord(axis), b.coord(axis)
				switch {
				case ka < kb:
					return -1
				case ka > kb:
					return 1
				}
				return 0
			})
			return
		}
		a, b, c := pts[lo].coord(axis), pts[lo+(hi-lo)/2].coord(axis), pts[hi].coord(axis)
		pivot := max(min(a, b), min(max(a, b), c)) // median of three
		i, j := lo, hi
		for i <= j {
			for pts[i].coord(axis) < pivot {
				i++
			}
			for pts[j].coord(axis) > pivot {
				j--
			}
			if i <= j {
				pts[i], pts[j] = pts[j], pts[i]
				i++
				j--
			}
		}
		// Now pts[lo:j+1] <= pivot <= pts[i:hi+1], and anything between equals pivot.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
